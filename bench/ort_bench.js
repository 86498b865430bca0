'use strict';
// Peer timing for bench/run.sh: onnxruntime-node (CPU, default graph
// optimisations, BENCH_THREADS intra-op threads (default: every core), as
// rknnc with RKNNC_THREADS) on the same inputs.
//   node ort_bench.js MODEL.onnx REPEAT IN1.npy [IN2.npy ...]  → "mean_ms min_ms"
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tests', 'ort', 'node_modules', 'onnxruntime-node'));
const { readNpy } = require(path.join(__dirname, '..', 'tests', 'ort', 'npy'));

async function main([model, repeat, ...inputs]) {
  const threads = Number(process.env.BENCH_THREADS) || require('os').cpus().length;
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: threads });
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const t = readNpy(inputs[i]);
    feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
  });
  await session.run(feeds);  // warm-up
  let total = 0, min = Infinity;
  for (let i = 0; i < Number(repeat); ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    total += ms;
    min = Math.min(min, ms);
  }
  console.log(`${(total / Number(repeat)).toFixed(3)} ${min.toFixed(3)}`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`ort_bench: ${e.message.split('\n')[0]}\n`);
  process.exit(1);
});
