//! OVSM's float power: the same bits on both back ends and on every machine.
//!
//! The host's `powf` is the C library's `pow`, which is not correctly rounded: its last bit
//! depends on the library and, for glibc, on whether the CPU has FMA (it picks a variant at
//! load time). A compiled program cannot call it either (sBPF has no floats). So `pow` on floats
//! is defined here, as the interpreter computes it, and the sBPF back end's `sf_pow`
//! (`codegen/support/softfloat.ll`) is a line-by-line translation of [`ieee754_pow`] into its
//! soft-float operations, which `codegen/tests/softfloat.rs` holds equal to this one bit for bit.
//!
//! 1. Exponent 0 gives 1 (whatever the base, NaN included), 1 the base, -1 its reciprocal, 2 its
//!    square, and 0.5 its square root when the base's sign bit is clear.
//! 2. An integral base (nonzero, below 2^53 in magnitude) to an integral exponent whose power
//!    has a magnitude of at most 2^53 is that power exactly, or its reciprocal rounded once
//!    (`(pow 10.0 -8)` is `1 / 10^8`).
//! 3. Anything else is fdlibm's `__ieee754_pow` ([`ieee754_pow`]), within one ulp of glibc's
//!    `pow` on every pair the tests below try, with C99's special cases (`pow(1, y)` and
//!    `pow(-1, ±inf)` are 1).

/// The exponent of a float power: an integer exponent stays exact past 2^53.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exponent {
    Int(i64),
    Float(f64),
}

const SIGN: u64 = 1 << 63;
/// 2^63 as f64 bits: an integral float exponent below it in magnitude converts to an i64.
const TWO_63_BITS: u64 = 0x43E0_0000_0000_0000;
/// 2^53 as f64 bits: a larger base is not taken as an integer (rule 2).
const TWO_53_BITS: u64 = 0x4340_0000_0000_0000;
const TWO_53: u64 = 1 << 53;

/// `base` to the power `exponent`, by the rules above.
pub fn pow(base: f64, exponent: Exponent) -> f64 {
    let n = match exponent {
        Exponent::Int(n) => n,
        Exponent::Float(y) => {
            if y.to_bits() == 0.5f64.to_bits() && base.to_bits() & SIGN == 0 {
                return base.sqrt();
            }
            if y.trunc() != y || y.to_bits() & !SIGN >= TWO_63_BITS {
                return ieee754_pow(base, y);
            }
            y as i64
        }
    };
    match n {
        0 => 1.0,
        1 => base,
        -1 => 1.0 / base,
        2 => base * base,
        _ => exact_power(base, n).unwrap_or_else(|| ieee754_pow(base, n as f64)),
    }
}

/// Rule 2: `base^n` when both are integers and the power is exact in f64.
fn exact_power(base: f64, n: i64) -> Option<f64> {
    let magnitude = base.to_bits() & !SIGN;
    if base.trunc() != base || magnitude == 0 || magnitude >= TWO_53_BITS {
        return None;
    }
    let b = base as i64;
    let bm = b.unsigned_abs();
    let m = n.unsigned_abs();
    let mut power: u64 = 1;
    if bm != 1 {
        // bm >= 2 doubles the power at each step: at most 53 steps before it passes 2^53.
        let mut k = 0;
        while k < m {
            if power > TWO_53 / bm {
                return None;
            }
            power *= bm;
            k += 1;
        }
    }
    let negative = b < 0 && m % 2 == 1;
    let value = if negative { -(power as f64) } else { power as f64 };
    Some(if n < 0 { 1.0 / value } else { value })
}

// fdlibm's constants (e_pow.c), by their bits.
const BP1: f64 = 1.5;
const DP_H1: f64 = f64::from_bits(0x3FE2_B803_4000_0000);
const DP_L1: f64 = f64::from_bits(0x3E4C_FDEB_43CF_D006);
const TWO53: f64 = 9_007_199_254_740_992.0;
const HUGE: f64 = 1.0e300;
const TINY: f64 = 1.0e-300;
const TWOM54: f64 = f64::from_bits(0x3C90_0000_0000_0000);
const L1: f64 = f64::from_bits(0x3FE3_3333_3333_3303);
const L2: f64 = f64::from_bits(0x3FDB_6DB6_DB6F_ABFF);
const L3: f64 = f64::from_bits(0x3FD5_5555_518F_264D);
const L4: f64 = f64::from_bits(0x3FD1_7460_A91D_4101);
const L5: f64 = f64::from_bits(0x3FCD_864A_93C9_DB65);
const L6: f64 = f64::from_bits(0x3FCA_7E28_4A45_4EEF);
const P1: f64 = f64::from_bits(0x3FC5_5555_5555_553E);
const P2: f64 = f64::from_bits(0xBF66_C16C_16BE_BD93);
const P3: f64 = f64::from_bits(0x3F11_566A_AF25_DE2C);
const P4: f64 = f64::from_bits(0xBEBB_BD41_C5D2_6BF1);
const P5: f64 = f64::from_bits(0x3E66_3769_72BE_A4D0);
const LG2: f64 = f64::from_bits(0x3FE6_2E42_FEFA_39EF);
const LG2_H: f64 = f64::from_bits(0x3FE6_2E43_0000_0000);
const LG2_L: f64 = f64::from_bits(0xBE20_5C61_0CA8_6C39);
/// -(1024 - log2(overflow threshold + 0.5 ulp)): fdlibm's 8.0085662595372944372e-17.
const OVT: f64 = f64::from_bits(0x3C97_1547_652B_82FE);
const CP: f64 = f64::from_bits(0x3FEE_C709_DC3A_03FD);
const CP_H: f64 = f64::from_bits(0x3FEE_C709_E000_0000);
const CP_L: f64 = f64::from_bits(0xBE3E_2FE0_145B_01F5);

/// The high word of x's bits, signed, as fdlibm's `GET_HIGH_WORD` into an `int32_t`.
fn high(x: f64) -> i64 {
    (x.to_bits() as i64) >> 32
}

fn low(x: f64) -> i64 {
    (x.to_bits() & 0xFFFF_FFFF) as i64
}

/// x with its low word zeroed (fdlibm's `SET_LOW_WORD(x, 0)`).
fn clear_low(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & 0xFFFF_FFFF_0000_0000)
}

/// The double whose words are `hi` (its low 32 bits) and `lo`.
fn from_words(hi: i64, lo: i64) -> f64 {
    f64::from_bits(((hi as u64) << 32) | (lo as u64 & 0xFFFF_FFFF))
}

/// fdlibm 5.3's `__ieee754_pow` (Sun Microsystems, 1993-2004: "Permission to use, copy, modify,
/// and distribute this software is freely granted, provided that this notice is preserved"),
/// with C99's `pow(1, y) = 1` and `pow(-1, ±inf) = 1`. The words are kept in i64s holding
/// fdlibm's int32 values, as `sf_pow` keeps them: x = 2^n (1 + f), log2(x) in two pieces, y times
/// it in simulated extra precision, and 2^(y log2 x) from a polynomial. Each f64 operation here is
/// one soft-float operation there, in the same order.
pub fn ieee754_pow(x: f64, y: f64) -> f64 {
    let (hx, lx) = (high(x), low(x));
    let (hy, ly) = (high(y), low(y));
    let ix = hx & 0x7fff_ffff;
    let iy = hy & 0x7fff_ffff;

    if y.to_bits() & !SIGN == 0 || x.to_bits() == 1.0f64.to_bits() {
        return 1.0;
    }
    if x.is_nan() || y.is_nan() {
        return x + y;
    }

    // yisint: 0 when y is not an integer, 1 odd, 2 even (needed only for a negative x)
    let mut yisint = 0;
    if hx < 0 {
        if iy >= 0x4340_0000 {
            yisint = 2;
        } else if iy >= 0x3ff0_0000 {
            let k = (iy >> 20) - 0x3ff;
            if k > 20 {
                let j = ly >> (52 - k);
                if (j << (52 - k)) == ly {
                    yisint = 2 - (j & 1);
                }
            } else if ly == 0 {
                let j = iy >> (20 - k);
                if (j << (20 - k)) == iy {
                    yisint = 2 - (j & 1);
                }
            }
        }
    }

    if ly == 0 {
        if iy == 0x7ff0_0000 {
            // y is ±inf
            if ((ix - 0x3ff0_0000) | lx) == 0 {
                return 1.0;
            }
            let grows = if ix >= 0x3ff0_0000 { hy >= 0 } else { hy < 0 };
            return if grows { f64::INFINITY } else { 0.0 };
        }
        if iy == 0x3ff0_0000 {
            return if hy < 0 { 1.0 / x } else { x };
        }
        if hy == 0x4000_0000 {
            return x * x;
        }
        if hy == 0x3fe0_0000 && hx >= 0 {
            return x.sqrt();
        }
    }

    let ax = x.abs();
    if lx == 0 && (ix == 0x7ff0_0000 || ix == 0 || ix == 0x3ff0_0000) {
        // x is ±0, ±inf or -1
        let mut z = ax;
        if hy < 0 {
            z = 1.0 / z;
        }
        if hx < 0 {
            if ((ix - 0x3ff0_0000) | yisint) == 0 {
                z = invalid(z);
            } else if yisint == 1 {
                z = -z;
            }
        }
        return z;
    }

    if hx < 0 && yisint == 0 {
        return invalid(x);
    }
    let s = if hx < 0 && yisint == 1 { -1.0 } else { 1.0 };

    if iy > 0x41e0_0000 {
        // |y| > 2^31: the power overflows or underflows unless x is within 2^-20 of 1
        if iy > 0x43f0_0000 {
            if ix <= 0x3fef_ffff {
                return if hy < 0 { HUGE * HUGE } else { TINY * TINY };
            }
            if ix >= 0x3ff0_0000 {
                return if hy > 0 { HUGE * HUGE } else { TINY * TINY };
            }
        }
        if ix < 0x3fef_ffff {
            return if hy < 0 { s * HUGE * HUGE } else { s * TINY * TINY };
        }
        if ix > 0x3ff0_0000 {
            return if hy > 0 { s * HUGE * HUGE } else { s * TINY * TINY };
        }
        // fdlibm takes log(x) for such an x from the series x - x^2/2 + x^3/3 - x^4/4, whose
        // first product (`ivln2_h * t`) is not exact: at |y| near 2^32 the power was hundreds
        // of ulps off. The general computation below is as accurate there as anywhere.
    }
    let (t1, t2) = {
        let (mut ax, mut ix, mut n) = (ax, ix, 0i64);
        if ix < 0x0010_0000 {
            // subnormal x
            ax *= TWO53;
            n -= 53;
            ix = high(ax);
        }
        n += (ix >> 20) - 0x3ff;
        let j = ix & 0x000f_ffff;
        ix = j | 0x3ff0_0000;
        let k = if j <= 0x3988E {
            0 // |x| < sqrt(3/2)
        } else if j < 0xBB67A {
            1 // |x| < sqrt(3)
        } else {
            n += 1;
            ix -= 0x0010_0000;
            0
        };
        ax = from_words(ix, low(ax));
        let (bp, dp_h, dp_l) = if k == 1 { (BP1, DP_H1, DP_L1) } else { (1.0, 0.0, 0.0) };

        // ss = s_h + s_l = (x - 1) / (x + 1) or (x - 1.5) / (x + 1.5)
        let u = ax - bp;
        let v = 1.0 / (ax + bp);
        let ss = u * v;
        let s_h = clear_low(ss);
        let t_h = from_words(((ix >> 1) | 0x2000_0000) + 0x0008_0000 + (k << 18), 0);
        let t_l = ax - (t_h - bp);
        let s_l = v * ((u - s_h * t_h) - s_h * t_l);
        // log(ax)
        let s2 = ss * ss;
        let mut r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
        r += s_l * (s_h + ss);
        let s2 = s_h * s_h;
        let t_h = clear_low(3.0 + s2 + r);
        let t_l = r - ((t_h - 3.0) - s2);
        // u + v = ss (1 + ...)
        let u = s_h * t_h;
        let v = s_l * t_h + t_l * ss;
        // 2 / (3 log 2) (ss + ...)
        let p_h = clear_low(u + v);
        let p_l = v - (p_h - u);
        let z_h = CP_H * p_h;
        let z_l = CP_L * p_h + p_l * CP + dp_l;
        // log2(ax) = (ss + ...) 2 / (3 log 2) = n + dp_h + z_h + z_l
        let t = n as f64;
        let t1 = clear_low(((z_h + z_l) + dp_h) + t);
        (t1, z_l - (((t1 - t) - dp_h) - z_h))
    };

    // y = y1 + y2; (y1 + y2) (t1 + t2)
    let y1 = clear_low(y);
    let p_l = (y - y1) * t1 + y * t2;
    let mut p_h = y1 * t1;
    let z = p_l + p_h;
    let (j, i) = (high(z), low(z));
    if j >= 0x4090_0000 {
        // z >= 1024
        if ((j - 0x4090_0000) | i) != 0 || p_l + OVT > z - p_h {
            return s * HUGE * HUGE;
        }
    } else if (j & 0x7fff_ffff) >= 0x4090_cc00 {
        // z <= -1075 (the C subtracts in unsigned 32-bit arithmetic)
        if (j & 0xFFFF_FFFF) != 0xc090_cc00 || i != 0 || p_l <= z - p_h {
            return s * TINY * TINY;
        }
    }

    // 2^(p_h + p_l)
    let i = j & 0x7fff_ffff;
    let mut k = (i >> 20) - 0x3ff;
    let mut n = 0;
    if i > 0x3fe0_0000 {
        // |z| > 0.5: n = [z + 0.5]
        n = j + (0x0010_0000 >> (k + 1));
        k = ((n & 0x7fff_ffff) >> 20) - 0x3ff;
        let t = from_words(n & !(0x000f_ffff >> k), 0);
        n = ((n & 0x000f_ffff) | 0x0010_0000) >> (20 - k);
        if j < 0 {
            n = -n;
        }
        p_h -= t;
    }
    let t = clear_low(p_l + p_h);
    let u = t * LG2_H;
    let v = (p_l - (t - p_h)) * LG2 + t * LG2_L;
    let z = u + v;
    let w = v - (z - u);
    let t = z * z;
    let t1 = z - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    let r = (z * t1) / (t1 - 2.0) - (w + z * w);
    let z = 1.0 - (r - z);
    let j = high(z) + (n << 20);
    let z = if (j >> 20) <= 0 { scale_down(z, j >> 20) } else { from_words(j, low(z)) };
    s * z
}

/// The NaN of an invalid operation, as fdlibm makes it: `(a - a) / (a - a)`.
#[allow(clippy::eq_op)]
fn invalid(a: f64) -> f64 {
    let d = a - a;
    d / d
}

/// fdlibm's `scalbn(z, n)` where z is normal and `k`, its exponent field plus n, is at most 0:
/// a subnormal result (one rounding, by 2^-54) or an underflow to zero.
fn scale_down(z: f64, k: i64) -> f64 {
    if k <= -54 {
        return TINY * TINY.copysign(z);
    }
    from_words((high(z) & 0x800f_ffff) | ((k + 54) << 20), low(z)) * TWOM54
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::float_cmp)]
mod tests {
    use super::*;

    /// The decimal constants are the bits fdlibm states beside them.
    #[test]
    fn decimal_constants_have_fdlibm_bits() {
        assert_eq!("8.0085662595372944372e-17".parse::<f64>().unwrap(), OVT);
        assert_eq!(HUGE.to_bits(), 0x7E37_E43C_8800_759C);
        assert_eq!(TINY.to_bits(), 0x01A5_6E1F_C2F8_F359);
        assert_eq!(TWOM54, 2f64.powi(-54));
    }

    /// xorshift64*: deterministic operands without a dependency.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn ulps(a: f64, b: f64) -> u64 {
        let key = |x: f64| {
            let bits = x.to_bits() as i64;
            if bits < 0 {
                i64::MIN - bits
            } else {
                bits
            }
        };
        key(a).abs_diff(key(b))
    }

    /// The port against the host's `pow`, which is within 0.52 ulp (glibc): both are within one
    /// ulp of the true power, so they differ by at most one, and they agree on every special case.
    #[test]
    fn ieee754_pow_is_within_an_ulp_of_the_hosts() {
        let special =
            [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e-310, -1e-310, 1e308];
        let mut pairs: Vec<(f64, f64)> = Vec::new();
        for &x in &special {
            for &y in &special {
                pairs.push((x, y));
            }
        }
        // subnormal results and the edges of overflow and underflow
        for &x in &[2.0, 0.5, 3.0, 1.5, 10.0, -2.0, 1e-5] {
            for &y in &[-1074.5, -1073.9, -1060.25, -1022.5, 1023.99, 1024.0, -1075.0, -1074.0, 1070.3, -644.7, 307.5] {
                pairs.push((x, y));
                pairs.push((x, y / 3.3219280948873626));
            }
        }
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..300_000 {
            let x = match next(&mut state) % 5 {
                0 => f64::from_bits(next(&mut state)),
                1 => (next(&mut state) % 100_000) as f64 / 1000.0,
                2 => 1.0 + (next(&mut state) % 2001) as f64 * 1e-9 - 1e-6,
                // within 2^-20 of 1, where |y| past 2^31 still gives a finite power
                3 => f64::from_bits(1f64.to_bits() - (1 << 33) + next(&mut state) % (1 << 34)),
                _ => -((next(&mut state) % 50) as f64),
            };
            let y = match next(&mut state) % 5 {
                0 => f64::from_bits(next(&mut state)),
                1 => ((next(&mut state) % 4001) as f64 - 2000.0) / 16.0,
                2 => ((next(&mut state) % 200) as f64) - 100.0,
                3 => {
                    f64::from_bits(0x41E0_0000_0000_0000 + next(&mut state) % (1 << 57))
                        * if next(&mut state).is_multiple_of(2) { 1.0 } else { -1.0 }
                }
                _ => ((next(&mut state) % (1 << 40)) as f64) * if next(&mut state).is_multiple_of(2) { 1.0 } else { -1.0 },
            };
            pairs.push((x, y));
        }
        for (x, y) in pairs {
            let ours = ieee754_pow(x, y);
            let host = x.powf(y);
            if host.is_nan() {
                assert!(ours.is_nan(), "pow({x:e}, {y:e}) = {ours:e}, the host's NaN");
            } else {
                assert!(
                    ulps(ours, host) <= 1,
                    "pow({x:e}, {y:e}) = {ours:e} ({:x}), the host's {host:e} ({:x})",
                    ours.to_bits(),
                    host.to_bits()
                );
            }
        }
    }

    #[test]
    fn exact_powers_and_the_quick_exponents() {
        assert_eq!(pow(10.0, Exponent::Int(-8)), 1.0 / 1e8);
        assert_eq!(pow(4_294_967_296.0, Exponent::Int(3)), ieee754_pow(4_294_967_296.0, 3.0));
        assert_eq!(pow(4_294_967_296.0, Exponent::Int(3)), 7.922_816_251_426_434e28);
        assert_eq!(pow(-3.0, Exponent::Float(3.0)), -27.0);
        assert_eq!(pow(-1.0, Exponent::Int(i64::MIN)), 1.0);
        assert_eq!(pow(f64::NAN, Exponent::Float(-0.0)), 1.0);
        assert_eq!(pow(-0.0, Exponent::Float(0.5)), 0.0);
        assert!(pow(-0.0, Exponent::Float(0.5)).is_sign_positive());
        assert_eq!(pow(2.0, Exponent::Float(0.5)), 2f64.sqrt());
        assert_eq!(pow(2.0, Exponent::Int(1 << 62)), f64::INFINITY);
        assert_eq!(pow(0.0, Exponent::Int(-3)), f64::INFINITY);
        assert_eq!(pow(-0.0, Exponent::Int(-3)), f64::NEG_INFINITY);
    }
}
