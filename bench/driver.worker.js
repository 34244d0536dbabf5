// A load driver that runs inside workerd next to the Sequencer DO (bench/sequencer.ts): it makes
// the batches itself and calls addBatch over workerd's own DO RPC, so no Node <-> Miniflare proxy
// serialisation is in the measured path. Plain JavaScript: workerd loads this file as is.
// GET /run?seconds=&concurrency=&batch=&size=&shard= → JSON summary.

function makeBatch(n, size) {
  const buf = new Uint8Array(n * size);
  for (let o = 0; o < buf.length; o += 65536) crypto.getRandomValues(buf.subarray(o, Math.min(buf.length, o + 65536)));
  return Array.from({ length: n }, (_, i) => buf.slice(i * size, (i + 1) * size));
}

export default {
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const seconds = Number(q.get("seconds") ?? 10);
    const concurrency = Number(q.get("concurrency") ?? 32);
    const batchSize = Number(q.get("batch") ?? 256);
    const size = Number(q.get("size") ?? 400);
    const stub = env.SEQUENCER.get(env.SEQUENCER.idFromName(q.get("shard") ?? "default"));
    await stub.status();
    const warm = await stub.addBatch(makeBatch(batchSize, size));
    const before = await stub.status();
    const indices = [];
    const notSequenced = {};
    let batches = 0;
    let rpcErrors = 0;
    const latencies = [];
    // Date.now() advances across I/O in workerd, which is all a batch round trip is.
    const start = Date.now();
    const deadline = start + seconds * 1000;
    let last = start;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < deadline) {
          const batch = makeBatch(batchSize, size);
          const t0 = Date.now();
          let results;
          try {
            results = await stub.addBatch(batch);
          } catch (e) {
            rpcErrors++;
            continue;
          }
          last = Date.now();
          latencies.push(last - t0);
          batches++;
          for (const r of results) {
            if (r.kind === "sequenced") indices.push(r.index);
            else notSequenced[r.kind] = (notSequenced[r.kind] ?? 0) + 1;
          }
          if (results.length !== batch.length)
            notSequenced.missing = (notSequenced.missing ?? 0) + batch.length - results.length;
        }
      }),
    );
    const after = await stub.status();
    return Response.json({
      seconds: (last - start) / 1000,
      batches,
      indices,
      notSequenced,
      rpcErrors,
      latencies,
      warmEntries: warm.length,
      sizeBefore: before.size,
      sizeAfter: after.size,
      writesBefore: before.writes,
      writesAfter: after.writes,
    });
  },
};
