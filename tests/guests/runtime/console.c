/*
 * The console: the first vty of the VIO bus through H_PUT_TERM_CHAR, and
 * a small printf (%d %i %u %x %X %p %s %c %%, flags '-' and '0', a width,
 * the l/ll/z length modifiers). Output goes out in chunks of up to 16
 * bytes, the most one H_PUT_TERM_CHAR carries; nothing is buffered across
 * calls, so a crash loses no output.
 */
#include "runtime.h"

unsigned long console_reg;

/* The vty's reg from the device tree: the first node under /vdevice whose
 * compatible is "hvterm1" (QEMU's spapr-vty, ppcrr's vty). Without one,
 * reg 0, which both QEMU and ppcrr map to the first vty. */
void console_init(void)
{
    const void *fdt = boot.fdt;
    console_reg = 0;
    if (!fdt_valid(fdt))
        return;
    int vdev = fdt_path(fdt, "/vdevice");
    for (int n = vdev >= 0 ? fdt_first_child(fdt, vdev) : -1; n >= 0;
         n = fdt_next_sibling(fdt, n)) {
        uint32_t reg;
        if (fdt_is_compatible(fdt, n, "hvterm1") && fdt_prop_u32(fdt, n, "reg", &reg)) {
            console_reg = reg;
            return;
        }
    }
}

static uint64_t pack_be(const char *s, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < len ? (uint8_t)s[i] : 0);
    return v;
}

void console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len < 16 ? len : 16;
        uint64_t hi = pack_be(s, n), lo = n > 8 ? pack_be(s + 8, n - 8) : 0;
        /* H_BUSY: the vty's host side is full; try again. */
        for (int tries = 0; tries < 1000000; tries++)
            if (hcall4(H_PUT_TERM_CHAR, console_reg, n, hi, lo) != H_BUSY)
                break;
        s += n;
        len -= n;
    }
}

void console_puts(const char *s)
{
    console_write(s, strlen(s));
}

/* ---- formatting ---- */

struct out {
    char *buf;          /* snprintf: the destination; printf: a chunk buffer */
    size_t size, len;   /* capacity, characters produced so far */
    bool to_console;
    char chunk[64];
    size_t chunk_len;
};

static void out_char(struct out *o, char c)
{
    if (o->to_console) {
        o->chunk[o->chunk_len++] = c;
        if (o->chunk_len == sizeof(o->chunk)) {
            console_write(o->chunk, o->chunk_len);
            o->chunk_len = 0;
        }
    } else if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void out_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left && pad == '0' && n && (*s == '-')) {
        out_char(o, *s++);
        n--;
    }
    if (!left)
        while (fill--)
            out_char(o, pad);
    while (n--)
        out_char(o, *s++);
    if (left)
        while (fill-- > 0)
            out_char(o, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(o, *fmt);
            continue;
        }
        bool left = false;
        char pad = ' ';
        int width = 0, longs = 0;
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = true;
            else
                pad = '0';
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l' || *fmt == 'z'; fmt++)
            longs++;
        char num[24], *end = num + sizeof(num), *p = end;
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            do
                *--p = (char)('0' + u % 10);
            while (u /= 10);
            if (v < 0)
                *--p = '-';
            out_padded(o, p, (size_t)(end - p), width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'p': {
            unsigned long long u;
            if (*fmt == 'p')
                u = (unsigned long long)(uintptr_t)va_arg(ap, void *);
            else
                u = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            unsigned base = *fmt == 'u' ? 10 : 16;
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            do
                *--p = digits[u % base];
            while (u /= base);
            if (*fmt == 'p') {
                *--p = 'x';
                *--p = '0';
            }
            out_padded(o, p, (size_t)(end - p), width, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            out_padded(o, s, strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            out_padded(o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            out_char(o, '%');
            break;
        default:    /* unknown conversion: show it */
            out_char(o, '%');
            if (!*fmt)
                return;
            out_char(o, *fmt);
        }
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = size};
    format(&o, fmt, ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    struct out o = {.to_console = true};
    format(&o, fmt, ap);
    if (o.chunk_len)
        console_write(o.chunk, o.chunk_len);
    return (int)o.len;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
