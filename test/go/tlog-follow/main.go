// Follows a C2SP tlog-tiles log the way a mirror written with Go's golang.org/x/mod does, and copies it:
// sumdb/note opens the checkpoint with the log's verifier key, sumdb/tlog's TileHashReader authenticates every
// tile it reads against the signed tree hash, every entry of every bundle must hash (tlog.RecordHash) to its
// authenticated leaf hash, and an inclusion proof per bundle is checked (tlog.ProveRecord / CheckRecord).
// What verified is written under -out with the same paths (a copy any tlog-tiles reader can read).
//
//	go run main.go -url U -vkey K [-out D]
//
// Prints "verified <origin> <size>" or fails. The paths a follower needs: <U>/checkpoint, <U>/tile/<L>/<N>[.p/<W>]
// and <U>/tile/entries/<N>[.p/<W>]; C2SP drops Go sumdb's tile height element ("tile/8/") and names the data
// tiles "entries". Built in GOPATH mode from Debian's golang-golang-x-mod-dev, no network beyond -url.
package main

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var base, out string

func get(path string) []byte {
	res, err := http.Get(base + "/" + path)
	check(err)
	defer res.Body.Close()
	if res.StatusCode != 200 {
		log.Fatalf("GET %s/%s: HTTP %d", base, path, res.StatusCode)
	}
	body, err := io.ReadAll(res.Body)
	check(err)
	return body
}

// c2spPath is a Go tile's C2SP tlog-tiles path.
func c2spPath(t tlog.Tile) string {
	p := t.Path()
	p = strings.Replace(p, "tile/8/data/", "tile/entries/", 1)
	return strings.Replace(p, "tile/8/", "tile/", 1)
}

type tiles struct{}

func (tiles) Height() int { return 8 }
func (tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(ts))
	for i, t := range ts {
		data[i] = get(c2spPath(t))
	}
	return data, nil
}

// SaveTiles is called with the tiles once TileHashReader has authenticated them: the mirror keeps those.
func (tiles) SaveTiles(ts []tlog.Tile, data [][]byte) {
	for i, t := range ts {
		write(c2spPath(t), data[i])
	}
}

func main() {
	flag.StringVar(&base, "url", "", "the log's tlog-tiles URL prefix")
	vkey := flag.String("vkey", "", "the log's verifier key")
	flag.StringVar(&out, "out", "", "copy what verified here")
	flag.Parse()
	base = strings.TrimRight(base, "/")
	verifier, err := note.NewVerifier(*vkey)
	check(err)
	raw := get("checkpoint")
	n, err := note.Open(raw, note.VerifierList(verifier))
	check(err)
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		log.Fatalf("checkpoint origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	check(err)
	rootBytes, err := base64.StdEncoding.DecodeString(lines[2])
	check(err)
	var tree tlog.Tree
	tree.N = size
	copy(tree.Hash[:], rootBytes)
	thr := tlog.TileHashReader(tree, tiles{})
	for start := int64(0); start < size; start += 256 {
		w := size - start
		if w > 256 {
			w = 256
		}
		bundle := tlog.Tile{H: 8, L: -1, N: start / 256, W: int(w)}
		data := get(c2spPath(bundle))
		indexes := make([]int64, w)
		for i := range indexes {
			indexes[i] = tlog.StoredHashIndex(0, start+int64(i))
		}
		leaves, err := thr.ReadHashes(indexes)
		check(err)
		rest := data
		for i := int64(0); i < w; i++ {
			if len(rest) < 2 {
				log.Fatalf("%s: truncated", c2spPath(bundle))
			}
			l := int(rest[0])<<8 | int(rest[1])
			if len(rest) < 2+l {
				log.Fatalf("%s: truncated", c2spPath(bundle))
			}
			if tlog.RecordHash(rest[2:2+l]) != leaves[i] {
				log.Fatalf("entry %d does not hash to its leaf hash", start+i)
			}
			rest = rest[2+l:]
		}
		if len(rest) != 0 {
			log.Fatalf("%s: %d bytes after its entries", c2spPath(bundle), len(rest))
		}
		proof, err := tlog.ProveRecord(size, start, thr)
		check(err)
		check(tlog.CheckRecord(proof, size, tree.Hash, start, leaves[0]))
		write(c2spPath(bundle), data)
	}
	write("checkpoint", raw)
	fmt.Printf("verified %s %d\n", lines[0], size)
}

func write(path string, data []byte) {
	if out == "" {
		return
	}
	p := filepath.Join(out, filepath.FromSlash(path))
	check(os.MkdirAll(filepath.Dir(p), 0o755))
	if old, err := os.ReadFile(p); err == nil && !bytes.Equal(old, data) {
		log.Fatalf("%s changed", path)
	}
	check(os.WriteFile(p, data, 0o644))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
