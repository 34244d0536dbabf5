// The bench's core workload on golang.org/x/mod/sumdb/tlog (the outside implementation edgelog's core is
// compared with, bench/core.ts): rounds of random entries; each round hashes every entry into the
// tree's stored hashes, reads every changed hash tile (height 8), encodes the entry bundles that
// changed (tlog-tiles: 2-byte length, then the entry) and computes the root.
// Run: GO111MODULE=off GOPATH=/usr/share/gocode go run tlog-core.go -entry 400 -round 1000 -min-entries 200000 -min-seconds 10
package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8
const tileWidth = 1 << tileHeight

func main() {
	entrySize := flag.Int("entry", 400, "entry size, bytes")
	roundSize := flag.Int("round", 1000, "entries per round")
	minEntries := flag.Int64("min-entries", 200000, "measure at least this many entries")
	minSeconds := flag.Float64("min-seconds", 10, "and at least this long")
	flag.Parse()

	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			out[i] = stored[x]
		}
		return out, nil
	})
	var n int64
	var bundle [][]byte // the entries of the current partial entry bundle
	var root tlog.Hash
	tiles, bundleBytes := 0, 0

	makeEntries := func() [][]byte {
		buf := make([]byte, *entrySize**roundSize)
		if _, err := rand.Read(buf); err != nil {
			panic(err)
		}
		out := make([][]byte, *roundSize)
		for i := range out {
			out[i] = buf[i**entrySize : (i+1)**entrySize]
		}
		return out
	}
	round := func(entries [][]byte) {
		old := n
		for _, e := range entries {
			hs, err := tlog.StoredHashes(n, e, reader)
			if err != nil {
				panic(err)
			}
			stored = append(stored, hs...)
			n++
		}
		for _, t := range tlog.NewTiles(tileHeight, old, n) {
			if _, err := tlog.ReadTileData(t, reader); err != nil {
				panic(err)
			}
			tiles++
		}
		// Entry bundles that changed: every bundle from old's to n's.
		for b := old / tileWidth; b*tileWidth < n; b++ {
			start, end := b*tileWidth, (b+1)*tileWidth
			if end > n {
				end = n
			}
			var members [][]byte
			for i := start; i < end; i++ {
				if i < old {
					members = append(members, bundle[i-start])
				} else {
					members = append(members, entries[i-old])
				}
			}
			var data []byte
			for _, e := range members {
				data = append(data, byte(len(e)>>8), byte(len(e)))
				data = append(data, e...)
			}
			bundleBytes += len(data)
			if end-start < tileWidth {
				bundle = members
			} else {
				bundle = nil
			}
		}
		h, err := tlog.TreeHash(n, reader)
		if err != nil {
			panic(err)
		}
		root = h
	}

	for i := 0; i < 20; i++ {
		round(makeEntries())
	}
	warm := n
	var measured time.Duration
	rounds := 0
	for n-warm < *minEntries || measured.Seconds() < *minSeconds {
		entries := makeEntries()
		t0 := time.Now()
		round(entries)
		measured += time.Since(t0)
		rounds++
	}
	entries := n - warm
	out, _ := json.Marshal(map[string]interface{}{
		"entries":          entries,
		"rounds":           rounds,
		"seconds":          measured.Seconds(),
		"entriesPerSecond": float64(entries) / measured.Seconds(),
		"tiles":            tiles,
		"bundleBytes":      bundleBytes,
		"finalSize":        n,
		"root":             hex.EncodeToString(root[:]),
	})
	fmt.Fprintln(os.Stdout, string(out))
}
