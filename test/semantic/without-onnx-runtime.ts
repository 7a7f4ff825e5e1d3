/**
 * MiniLM where ONNX Runtime cannot load, as on a platform it ships no binaries for: its module is looked for under a
 * name that is not installed. Worker threads load their own copy of this module.
 */
import { createMiniLm } from '../../src/semantic/minilm.js';

export default createMiniLm({ module: import.meta.url, onnxRuntime: 'onnxruntime-node-not-installed' });
