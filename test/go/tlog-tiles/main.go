// Writes a C2SP tlog-tiles log made by someone else's code: golang.org/x/mod/sumdb/tlog computes the tree
// (tlog.StoredHashes, tlog.NewTiles, tlog.ReadTileData) and golang.org/x/mod/sumdb/note signs the checkpoint.
// Only the paths and the bundle framing are C2SP's (tlog-tiles: tile/<L>/<N> without Go's height element,
// tile/entries/<N> with uint16-length-prefixed entries) — Go's sumdb serves tile/8/<L>/<N> and tile/8/data/<N>.
//
//	go run main.go -dir D -origin O -n N [-prefix P] [-skey K]
//
// Entry i is the bytes "<P> <i>". Prints the log's verifier key. Built in GOPATH mode from Debian's
// golang-golang-x-mod-dev (GO111MODULE=off GOPATH=/usr/share/gocode), no network.
package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	dir := flag.String("dir", "", "output directory")
	origin := flag.String("origin", "", "checkpoint origin (the key name)")
	n := flag.Int64("n", 0, "number of entries")
	prefix := flag.String("prefix", "entry", "entry text prefix")
	skey := flag.String("skey", "", "signing key (default: a new one)")
	flag.Parse()
	if *dir == "" || *origin == "" {
		log.Fatal("need -dir and -origin")
	}
	vkey := ""
	if *skey == "" {
		s, v, err := note.GenerateKey(rand.Reader, *origin)
		check(err)
		*skey, vkey = s, v
	}
	signer, err := note.NewSigner(*skey)
	check(err)

	entries := make([][]byte, *n)
	var hashes []tlog.Hash
	hr := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i := int64(0); i < *n; i++ {
		entries[i] = []byte(fmt.Sprintf("%s %d", *prefix, i))
		stored, err := tlog.StoredHashes(i, entries[i], hr)
		check(err)
		hashes = append(hashes, stored...)
	}
	// Only each tile's widest version: the tiles of the tree of size n (this Go's NewTiles lists every partial width).
	widest := map[[2]int64]int{}
	for _, t := range tlog.NewTiles(8, 0, *n) {
		if k := [2]int64{int64(t.L), t.N}; t.W > widest[k] {
			widest[k] = t.W
		}
	}
	for _, t := range tlog.NewTiles(8, 0, *n) {
		if t.W != widest[[2]int64{int64(t.L), t.N}] {
			continue
		}
		data, err := tlog.ReadTileData(t, hr)
		check(err)
		write(*dir, strings.Replace(t.Path(), "tile/8/", "tile/", 1), data)
		if t.L == 0 {
			// The entry bundle beside each level-0 tile: the same entries, C2SP framing.
			var b []byte
			for i := t.N * 256; i < t.N*256+int64(t.W); i++ {
				b = append(b, byte(len(entries[i])>>8), byte(len(entries[i])))
				b = append(b, entries[i]...)
			}
			data := t
			data.L = -1
			write(*dir, strings.Replace(data.Path(), "tile/8/data/", "tile/entries/", 1), b)
		}
	}
	root, err := tlog.TreeHash(*n, hr)
	check(err)
	text := fmt.Sprintf("%s\n%d\n%s\n", *origin, *n, base64.StdEncoding.EncodeToString(root[:]))
	signed, err := note.Sign(&note.Note{Text: text}, signer)
	check(err)
	write(*dir, "checkpoint", signed)
	fmt.Println(vkey)
}

func write(dir, path string, data []byte) {
	p := filepath.Join(dir, filepath.FromSlash(path))
	check(os.MkdirAll(filepath.Dir(p), 0o755))
	check(os.WriteFile(p, data, 0o644))
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
