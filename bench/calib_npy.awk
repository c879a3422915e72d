# calib_npy.awk: N deterministic float32 samples of one shape as a .npy
# (v1.0, little-endian), for timing mcn-quantize; no randomness but a
# MINSTD generator seeded with 1.
#
#   awk -v n=100 -v shape="3, 96, 96" -f bench/calib_npy.awk > calib.npy
#
# Each value is k/128 with k = a + b - 255, a and b the low bytes of two
# draws: a triangular spread over (-2, 2). k/128 is exact in float32, so
# the bytes are built from k's bits directly: for |k| = m * 2^e with
# 1 <= m < 2, the exponent field is 127 + e - 7 and the fraction
# (|k| - 2^e) * 2^(23 - e).
BEGIN {
    if (n < 1 || shape == "") {
        print "calib_npy.awk: set -v n=SAMPLES -v shape=\"D1, D2, ...\"" \
            > "/dev/stderr"
        exit 2
    }
    per = 1
    dims = split(shape, d, /, */)
    for (i = 1; i <= dims; i++)
        per *= d[i]
    for (k = -255; k <= 255; k++)
        bytes[k] = f32(k)
    header(n, shape)
    s = 1
    total = n * per
    for (i = 0; i < total; i++) {
        s = (s * 48271) % 2147483647
        a = s % 256
        s = (s * 48271) % 2147483647
        b = s % 256
        printf "%s", bytes[a + b - 255]
    }
}

function le32(v) {
    return sprintf("%c%c%c%c", v % 256, int(v / 256) % 256,
                   int(v / 65536) % 256, int(v / 16777216) % 256)
}

function f32(k,    m, e, bits) {
    if (k == 0)
        return le32(0)
    m = k < 0 ? -k : k
    for (e = 0; 2 ^ (e + 1) <= m; e++)
        ;
    bits = (127 + e - 7) * 2 ^ 23 + (m - 2 ^ e) * 2 ^ (23 - e)
    if (k < 0)
        bits += 2 ^ 31
    return le32(bits)
}

# The magic, version 1.0, the header's length, then the header padded
# with spaces to a multiple of 64 bytes in all, ending in a newline.
function header(rows, shape,    text, len) {
    text = "{'descr': '<f4', 'fortran_order': False, 'shape': (" rows \
           ", " shape "), }"
    len = length(text) + 1
    while ((10 + len) % 64)
        len++
    while (length(text) < len - 1)
        text = text " "
    printf "%c%s%c%c%c%c%s\n", 147, "NUMPY", 1, 0, len % 256, int(len / 256),
           text
}
