// Runs the cases bench_export wrote (manifest.json) in ONNX Runtime (npm onnxruntime-node, CPU) and
// compares each output with segkit's: max |d| <= 1e-4 * max(1, std). Also times the fixed-size Unet
// files to set beside segkit's and OpenCV's figures. Exit status 1 when any case differs.
// Run: make bench-export   (or node bench/export/onnxruntime_check.js OUT_DIR)
const fs = require('fs');
const path = require('path');
const ort = require(process.env.ONNXRUNTIME_NODE || 'onnxruntime-node');

function floats(file) {
  const buffer = fs.readFileSync(file);
  return new Float32Array(buffer.buffer, buffer.byteOffset, buffer.length / 4);
}

(async () => {
  const dir = process.argv[2];
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json')));
  const threads = Number(process.env.OMP_NUM_THREADS || 0);
  let failures = 0;
  console.log('case                                   shapes   max |d|    std     result   ORT ms   segkit ms  OpenCV ms');
  for (const c of manifest) {
    const options = threads > 0 ? {intraOpNumThreads: threads} : {};
    const session = await ort.InferenceSession.create(path.join(dir, c.onnx), options);
    const input = new ort.Tensor('float32', floats(path.join(dir, c.input)), c.input_shape);
    const out = (await session.run({image: input})).masks;
    const expected = floats(path.join(dir, c.expected));
    let maxDiff = 0, sum = 0, sumSquares = 0;
    for (let i = 0; i < expected.length; ++i) {
      maxDiff = Math.max(maxDiff, Math.abs(out.data[i] - expected[i]));
      sum += expected[i];
      sumSquares += expected[i] * expected[i];
    }
    const std = Math.sqrt(sumSquares / expected.length - (sum / expected.length) ** 2);
    const ok = out.data.length === expected.length && maxDiff <= 1e-4 * Math.max(1, std);
    failures += ok ? 0 : 1;
    let ortMs = '';
    if (c.segkit_ms !== undefined) {
      const times = [];
      for (let r = 0; r < 12; ++r) {
        const start = process.hrtime.bigint();
        await session.run({image: input});
        if (r >= 2) times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      ortMs = times[Math.floor(times.length / 2)].toFixed(1);
    }
    console.log(`${c.name.padEnd(38)} ${(c.dynamic ? 'dynamic' : 'fixed').padEnd(8)} ${maxDiff.toExponential(1).padEnd(10)} ` +
                `${std.toFixed(3).padEnd(7)} ${(ok ? 'ok' : 'MISMATCH').padEnd(8)} ${ortMs.padStart(7)} ` +
                `${c.segkit_ms !== undefined ? c.segkit_ms.toFixed(1).padStart(10) : ''} ` +
                `${c.opencv_ms !== undefined ? c.opencv_ms.toFixed(1).padStart(10) : ''}`);
  }
  process.exit(failures ? 1 : 0);
})();
