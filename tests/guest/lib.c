// SPDX-License-Identifier: GPL-2.0
/* The library of the guest test programs: see guest.h. */
#include "guest.h"

volatile uint32_t guest_irq_count[256];
volatile uint32_t guest_last_vector;
volatile uint64_t guest_last_irq_rip;
volatile uint64_t guest_last_irq_rflags;
volatile uint64_t guest_recover_rip;
volatile int guest_db_armed;
volatile uint32_t guest_db_count;
volatile uint64_t guest_db_rip, guest_db_dr6;
volatile uint32_t guest_fault_vector;
volatile uint64_t guest_fault_error;

void *memset(void *s, int c, size_t n)
{
	uint8_t *p = s;

	/* No loop the compiler could turn back into a call to memset. */
	asm volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *ret = d;

	asm volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return ret;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	size_t i;

	for (i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

void guest_exit(uint32_t code)
{
	outl(GUEST_PORT_EXIT, code);
	for (;;)
		asm volatile("cli; hlt");
}

void putc(char c)
{
	outb(GUEST_PORT_PUTC, c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_unsigned(uint64_t v, unsigned int base, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		putc(buf[--n]);
}

/* %s %c %d %u %x with l/ll, and a zero-padded width for %x. */
void gprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int longs = 0, width = 0;
		uint64_t v;

		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			puts(va_arg(ap, const char *));
			break;
		case 'c':
			putc(va_arg(ap, int));
			break;
		case 'd':
			v = longs ? (uint64_t)va_arg(ap, long) : (uint64_t)va_arg(ap, int);
			if ((int64_t)v < 0) {
				putc('-');
				v = -v;
			}
			put_unsigned(v, 10, width);
			break;
		case 'u':
		case 'x':
			v = longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_unsigned(v, *fmt == 'x' ? 16 : 10, width);
			break;
		case '%':
			putc('%');
			break;
		default:
			putc('?');
			break;
		}
	}
	va_end(ap);
}

void report(uint32_t value)
{
	outl(GUEST_PORT_REPORT, value);
}

void report64(uint64_t value)
{
	report((uint32_t)value);
	report((uint32_t)(value >> 32));
}

uint64_t guest_param(unsigned int i)
{
	const volatile struct guest_params *p = guest_ptr(GUEST_PARAMS_ADDR);

	return i < GUEST_NR_PARAMS ? p->p[i] : 0;
}

void guest_check_failed(int line, const char *what, uint64_t a, uint64_t b,
			int has_values)
{
	gprintf("guest check failed at line %d: %s", line, what);
	if (has_values)
		gprintf(" (%lx != %lx)", (unsigned long)a, (unsigned long)b);
	putc('\n');
	guest_exit(line);
}

int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;
	int vector;

	vector = ASM_SAFE("rdmsr", : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = lo | (uint64_t)hi << 32;
	return vector;
}

int wrmsr_safe(uint32_t msr, uint64_t value)
{
	return ASM_SAFE("wrmsr", : : "c"(msr), "a"((uint32_t)value),
			"d"((uint32_t)(value >> 32)) : "memory");
}

/* Called by every IDT stub (boot.S) with interrupts off. */
void guest_isr(struct guest_frame *f);
void guest_isr(struct guest_frame *f)
{
	if (f->vector == VEC_NMI || f->vector >= 32) {
		guest_irq_count[f->vector]++;
		guest_last_vector = f->vector;
		guest_last_irq_rip = f->rip;
		guest_last_irq_rflags = f->rflags;
		return;
	}
	if (f->vector == VEC_DB && guest_db_armed) {
		uint64_t dr6;

		asm volatile("mov %%dr6, %0" : "=r"(dr6));
		guest_db_count++;
		guest_db_rip = f->rip;
		guest_db_dr6 = dr6;
		f->rflags &= ~X86_EFLAGS_TF;	/* one step is enough */
		return;
	}
	if (guest_recover_rip) {
		guest_fault_vector = f->vector;
		guest_fault_error = f->error;
		f->rip = guest_recover_rip;
		guest_recover_rip = 0;
		return;
	}
	gprintf("unexpected exception %lu, error %lx, at rip %lx (rsp %lx)\n",
		(unsigned long)f->vector, (unsigned long)f->error,
		(unsigned long)f->rip, (unsigned long)f->rsp);
	guest_exit(GUEST_EXIT_EXCEPTION + f->vector);
}
