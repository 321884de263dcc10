/**
 * Figures as files and tables show them. Arithmetic on doubles leaves noise in the last bits
 * (0.14 · 100 = 14.000000000000002, a mean of three runtimes 0.13644400000000002): rounded to 12
 * significant digits, a figure's shortest text is the decimal it stands for, while every digit a
 * measurement or a model can mean (doubles hold about 16) is kept. Tables pass fewer digits.
 */
export function significant(value: number, digits = 12): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}
