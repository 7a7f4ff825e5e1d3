/** The parts of wink-bm25-text-search 3 and wink-nlp-utils 2 the benchmark uses; neither ships types. */

declare module 'wink-bm25-text-search' {
  namespace bm25 {
    type PrepTask = (input: never) => unknown;
    interface Engine {
      defineConfig(config: { fldWeights: Record<string, number>; bm25Params?: { k1?: number; b?: number; k?: number } }): boolean;
      definePrepTasks(tasks: PrepTask[], field?: string): number;
      addDoc(document: Record<string, string>, id: string): number;
      consolidate(precision?: number): boolean;
      /** [document id, score] pairs, best first; `limit` defaults to 10. */
      search(text: string, limit?: number): Array<[string, number]>;
    }
  }
  function bm25(): bm25.Engine;
  export = bm25;
}

declare module 'wink-nlp-utils' {
  const nlp: {
    string: {
      lowerCase(text: string): string;
      tokenize0(text: string): string[];
    };
    tokens: {
      removeWords(tokens: string[]): string[];
      stem(tokens: string[]): string[];
    };
  };
  export = nlp;
}
