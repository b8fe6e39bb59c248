// Registers TF.js's gradient functions and chained tensor methods (x.mean(), ...). In Node, @tensorflow/tfjs-core
// loads its CommonJS bundle, which has neither: they live in ES-module files of its dist/ that Node cannot load
// from a CommonJS package. The union package's Node bundle (@tensorflow/tfjs) registers both into the same core
// (TF.js keeps its engine and registries on globalThis). Without this, tf.grads fails with
// "gradient function not found for Add". Imported for its side effect by select-backend.ts.
import '@tensorflow/tfjs';
