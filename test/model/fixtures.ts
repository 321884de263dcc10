/**
 * A derived cell of the U-Boost space with every op on some edge (identity and zero included)
 * and every node live: x_p→t1 conv3x3, x_p→t2 dws5x5, x_p→t3 identity, x_pp→t1 dil3x3, x_pp→t2
 * zero, x_pp→t3 conv5x5, t1→t2 dil5x5, t1→t3 dws3x3, t2→t3 conv3x3.
 */
export const everyOpEdges = [
  "conv3x3",
  "dws5x5",
  "identity",
  "dil3x3",
  "zero",
  "conv5x5",
  "dil5x5",
  "dws3x3",
  "conv3x3",
];
