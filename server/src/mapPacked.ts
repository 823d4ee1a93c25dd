// Array results with one elements kind whatever tier of V8 runs the code that builds them.

/**
 * `xs.map(f)`, always a packed array. V8's `Array.prototype.map` gives a packed array in unoptimised code but a
 * holey one once its caller is optimised (TurboFan), so code reading such arrays meets a second array map when
 * the producer warms up, is deoptimised ("wrong map") and compiled again, in every thread. Used where hot,
 * optimised code reads the result; pushing keeps the kind packed in every tier.
 */
export function mapPacked<T, U>(xs: readonly T[], f: (x: T) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < xs.length; i++) out.push(f(xs[i]));
  return out;
}
