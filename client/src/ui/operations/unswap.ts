// Unswap (roll back a swap): the same operation as swap.ts in the other direction — the 2.x tables return
// to `<name><suffix>` and `<name>_old`'s tables take the production names again, in one RENAME TABLE;
// refused when the 2.x tables hold rows the old ones lack (written after the swap).
export { unswapOp } from './swap';
