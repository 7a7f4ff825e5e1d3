/** MiniLM on the WebAssembly engine alone, for measuring it beside ONNX Runtime: worker threads load this module. */
import { createMiniLm } from '../src/semantic/minilm.js';

export default createMiniLm({ module: import.meta.url, engine: 'wasm' });
