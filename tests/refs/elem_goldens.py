#!/usr/bin/env python3
"""Golden values for the DIV, LOG_SOFTMAX, ELU / HARD_SIGMOID table and SUB
tests (tests/test_kernel_div.c, test_kernel_log_softmax.c,
test_kernel_lut.c, test_qmath_elem.c).

A separate transcription of the arithmetic, written from TFLite Micro's
reference kernels and gemmlowp's fixed point (the facts the tests cite),
sharing no code with engine/ or quantizer/: Python integers with int32
wrap-around and C's truncating division made explicit, and float32
emulated by rounding every intermediate through struct. Prints the tables
the tests hold; run it to check them:

    python3 tests/refs/elem_goldens.py
"""
import math
import struct

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def wrap(x):
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= (1 << 31) else x


def cdiv(n, d):
    """C's integer division: truncates toward zero."""
    q = abs(n) // abs(d)
    return q if (n >= 0) == (d > 0) else -q


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


# ---- gemmlowp ----

def srdhm(a, b):
    if a == b == I32_MIN:
        return I32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return cdiv(ab + nudge, 1 << 31)


def rdbpot(x, e):
    assert 0 <= e <= 31
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def srmbpot(x, e):
    if e < 0:
        return rdbpot(x, -e)
    if e == 0:
        return x
    thr = (1 << (31 - e)) - 1
    if x > thr:
        return I32_MAX
    if x < -thr:
        return I32_MIN
    return wrap(x << e)


def rescale(x, src, dst):
    return srmbpot(x, src - dst)


def half_sum(a, b):
    s = a + b
    return cdiv(s + (1 if s >= 0 else -1), 2)


def exp_quarter(a):
    """exp on [-1/4, 0), Q0 in and out."""
    c = 1895147668
    third = 715827883
    x = wrap(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_4 = srmbpot(x4, -2)
    poly = srmbpot(wrap(srdhm(wrap(x4_4 + x3), third) + x2), -1)
    return wrap(c + srdhm(c, wrap(x + poly)))


def exp_neg(a, ibits):
    fbits = 31 - ibits
    quarter = 1 << (fbits - 2)
    amq = wrap((a & (quarter - 1)) - quarter)
    r = exp_quarter(rescale(amq, ibits, 0))
    rem = wrap(amq - a)
    mults = {-2: 1672461947, -1: 1302514674, 0: 790015084, 1: 290630308,
             2: 39332535, 3: 720401, 4: 242}
    for k in range(-2, 5):
        if ibits > k and (rem >> (fbits + k)) & 1:
            r = srdhm(r, mults[k])
    if ibits > 5 and a < -(1 << (36 - ibits)):
        r = 0
    return I32_MAX if a == 0 else r


def one_over_one_plus(a):
    hd = half_sum(a, I32_MAX)
    x = wrap(1515870810 + srdhm(hd, -1010580540))
    for _ in range(3):
        t = wrap((1 << 29) - srdhm(hd, x))
        x = wrap(x + rescale(srdhm(x, t), 4, 2))
    return rescale(x, 1, 0)


def clz32(x):
    x &= 0xFFFFFFFF
    return 32 - x.bit_length()


def clrsb32(x):
    return clz32(~x if x < 0 else x) - 1


def get_reciprocal(x, digits):
    h = clz32(x)
    shifted = wrap(((x << h) & 0xFFFFFFFF) - (1 << 31))
    return one_over_one_plus(shifted), digits - h


def sat(v):
    return max(I32_MIN, min(I32_MAX, v))


def log_x_ge_1(x, ibits, obits):
    """TFLite's log_x_for_x_greater_than_or_equal_to_1_impl."""
    acc = obits + 1
    log2, ssh, sh = 1488522236, 1805811301, 1518500250
    an, ad, ai, af = 117049297, 127690142, 1057819769, 638450708
    quarter = rescale(536870912, 0, acc)
    ha = clz32(x)
    ra = srmbpot(srdhm(srmbpot(x, ha - 1), sh), 1)
    pa = sat(srmbpot(ibits - ha, 31 - acc) + quarter)
    zb = srdhm(x, sh)
    hb = clz32(zb) - 1
    rb = srmbpot(x, hb)
    pb = sat(srmbpot(ibits - hb, 31 - acc) - quarter)
    r, p2 = min(ra, rb), max(pa, pb)
    p = half_sum(r, ssh)
    q = wrap(r - ssh)
    q = wrap(q + q)
    q2 = srdhm(q, q)
    num = wrap(srdhm(q, r) + srdhm(srdhm(q, q2), an))
    den = wrap(srdhm(p, wrap(wrap(ai + q) + srdhm(ad, q2))) + srdhm(af, q))
    rec = one_over_one_plus(den)
    s = wrap(srdhm(p2, log2) + srdhm(rescale(num, 0, acc), rec))
    return rescale(s, acc, obits)


def mbqm(x, m, shift):
    left = shift if shift > 0 else 0
    right = -shift if shift < 0 else 0
    return rdbpot(srdhm(wrap(x << left), m), right)


# ---- TFLite's host-side derivations ----

def quantize_multiplier(real):
    if real == 0:
        return 0, 0
    q, e = math.frexp(real)
    qf = int(math.floor(abs(q) * (1 << 31) + 0.5)) * (1 if q > 0 else -1)
    if qf == 1 << 31:
        qf //= 2
        e += 1
    if e < -31:
        return 0, 0
    return qf, e


def roundf(v):
    return math.copysign(math.floor(abs(v) + 0.5), v)


# ---- the kernels ----

def div_s8(x1, x2, off1, off2, out_off, m, shift, lo=-128, hi=127):
    a, b = off1 + x1, off2 + x2
    if b == 0:  # mcn's rule: +-infinity or NaN, quantized
        v = hi if a > 0 else lo if a < 0 else out_off
    else:
        if b < 0:
            a, b = -a, -b
        inv, rs = get_reciprocal(b, 31)
        hr = clrsb32(a)
        uq = srdhm(wrap(a << hr), inv)
        right = rs + hr - shift
        t = srdhm(uq, m)
        v = out_off + (0 if right > 31 else rdbpot(t, right))
    return max(lo, min(hi, v))


def log_softmax_params(beta, s_in):
    real = min(beta * s_in * (1 << 26), (1 << 31) - 1.0)
    m, ls = quantize_multiplier(real)
    rev, rsh = quantize_multiplier((1 << (31 - ls)) / m)
    radius = math.floor(31 * (1 << 26) / (1 << ls))
    return m, ls, rev, rsh, -radius


def log_softmax_row(row, m, ls, rev, rsh, diff_min):
    mx = max([-128] + row)
    total = 0
    for x in row:
        d = x - mx
        if d >= diff_min:
            total += rescale(exp_neg(mbqm(d, m, ls), 5), 0, 12)
    total = min(total, I32_MAX)
    log_sum = log_x_ge_1(total, 12, 5)
    adj = max(diff_min - 1, mbqm(wrap(log_sum + I32_MIN), rev, rsh))
    out = []
    for x in row:
        d = x - mx
        if d > adj:
            v = rdbpot(wrap(mbqm(d, m, ls) - log_sum), 22) + 127
            out.append(max(-128, min(127, v)))
        else:
            out.append(-128)
    return out


def lut(s_in, zp_in, s_out, zp_out, f):
    inv = f32(1.0 / s_out)
    table = {}
    for q in range(-128, 128):
        x = f32(s_in * (q - zp_in))
        v = f32(roundf(f32(f(x) * inv)) + zp_out)
        table[q] = int(max(-128, min(127, v)))
    return [table[q] for q in range(-128, 128)]


def elu(x):
    return x if x >= 0 else f32(f32(math.exp(x)) - 1.0)


def hard_sigmoid(alpha, beta):
    def f(x):
        v = f32(f32(alpha * x) + beta)
        return 0.0 if v < 0 else 1.0 if v > 1 else v
    return f


def show(name, vals, per=12):
    print('/* %s */' % name)
    for i in range(0, len(vals), per):
        print('    ' + ', '.join('%4d' % v for v in vals[i:i + per]) + ',')


def main():
    # DIV: s1 0.5 zp 3, s2 0.25 zp -7, s_out 0.5 zp -5: 0.5 / (0.25 *
    # 0.5) = 4 -> (2^30, 3). A 16 x 16 grid of x1, x2 = -128 + 17 k.
    m, sh = quantize_multiplier(f32(0.5 / f32(0.25 * 0.5)))
    print('DIV multiplier', m, sh)
    grid = [-128 + 17 * k for k in range(16)]
    show('div_grid', [div_s8(a, b, -3, 7, -5, m, sh)
                      for a in grid for b in grid])
    # And at 0.1f / (0.03f * 0.07f), a multiplier that is not a power of 2.
    m2, sh2 = quantize_multiplier(f32(f32(0.1) / f32(f32(0.03) * f32(0.07))))
    print('DIV multiplier 2', m2, sh2)
    show('div_odd', [div_s8(a, b, 0, 0, 0, m2, sh2)
                     for a in grid for b in (1, 2, 5, 40, -3, -127)], 6)

    # LOG_SOFTMAX at s_in 0.1f.
    p = log_softmax_params(1.0, f32(0.1))
    print('LOG_SOFTMAX params', p)
    show('ramp', log_softmax_row(list(range(-128, 128)), *p))
    rows = [[0, 10, 20, 30, 40, 50, 60, 70], [5, 5, 5, 5, 5, 5, 5, 5],
            [127, -128, 0, 100, 90, 126, 127, -50],
            [-128, -128, -128, -127, -128, -128, -128, -128]]
    for r in rows:
        show('row %s' % r, log_softmax_row(r, *p), 8)
    p16 = log_softmax_params(1.0, 1.0 / 16)
    print('LOG_SOFTMAX params at 1/16', p16)
    for r in ([0, 0], [16, 0], [-16, 0, 16]):
        show('row %s' % r, log_softmax_row(r, *p16), 8)
    # 4096 equal terms: the sum saturates.
    print('flat 4096 ->', set(log_softmax_row([3] * 4096, *p16)))
    print('flat 4095 ->', set(log_softmax_row([3] * 4095, *p16)))

    # ELU at s_in 0.05f zp 10 -> s_out 0.04f zp -100.
    show('elu', lut(f32(0.05), 10, f32(0.04), -100, elu))
    # HARD_SIGMOID as MobileNetV3 writes it: alpha 1/6, beta 0.5; s_in
    # 0.1f zp 0 -> s_out 1/255 zp -128.
    show('hard_sigmoid', lut(f32(0.1), 0, f32(1 / 255.0), -128,
                             hard_sigmoid(f32(1 / 6.0), 0.5)))

    # SUB against ADD: scale triples where the float quotients move a
    # multiplier (searched over s = k / 1000).
    found = 0
    for k1 in range(1, 400):
        for k2 in (3, 7, 13, 29):
            s1, s2, so = f32(k1 / 1000.0), f32(k2 / 1000.0), f32(0.011)
            tm = f32(2 * max(s1, s2))
            sub = [quantize_multiplier(f32(s1 / tm)),
                   quantize_multiplier(f32(s2 / tm)),
                   quantize_multiplier(f32(tm / f32((1 << 20) * so)))]
            td = 2.0 * max(s1, s2)
            add = [quantize_multiplier(s1 / td), quantize_multiplier(s2 / td),
                   quantize_multiplier(td / ((1 << 20) * so))]
            if sub != add and found < 2:
                print('SUB/ADD differ at', repr(s1), repr(s2), repr(so),
                      'sub', sub, 'add', add)
                found += 1


if __name__ == '__main__':
    main()
