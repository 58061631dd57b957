#!/bin/sh
# In-host tests of `vmlab run` (the runner) with its device models, on
# vmlab and on upstream KVM: a multiboot kernel's serial output and exit
# status, clean refusals of bad images and options, and (when the Linux
# guest is staged) a Linux guest booting to a shell that runs commands.
# Prints PASS/FAIL/SKIP lines like the C tests.
D=/usr/share/vmlab/runner
T=/tmp/runner-test
# A guest that dies early closes its end of the input fifo: report that
# through its status and output instead of this script dying of SIGPIPE.
trap '' PIPE
mkdir -p $T
failed=0

pass() { echo "PASS: runner: $1"; }
fail() { echo "FAIL: runner: $1: $2"; failed=1; }
skip() { echo "SKIP: runner: $1: $2"; }

# multiboot BACKEND: the kernel checks what the loader promised and exits 42.
multiboot() {
	name="multiboot_kernel_prints_and_exits_through_debug_exit_on_$1"
	vmlab run --backend "$1" --kernel $D/multiboot-hello.elf --append "mb-test on $1" \
		--console $T/mb-$1.out >$T/mb-$1.err 2>&1
	rc=$?
	if [ $rc -ne 85 ]; then
		fail "$name" "status $rc, want 85 ((42 << 1) | 1): $(head -c 300 $T/mb-$1.err)"
	elif ! grep -q "hello from a multiboot kernel, cmdline: mb-test on $1" $T/mb-$1.out; then
		fail "$name" "serial output was: $(head -c 200 $T/mb-$1.out)"
	else
		pass "$name"
	fi
}

# refuse NAME WANT-STATUS PATTERN ARGS...: one clear line, that status.
refuse() {
	name=$1 want=$2 pattern=$3
	shift 3
	vmlab run "$@" >$T/ref.out 2>$T/ref.err
	rc=$?
	lines=$(wc -l <$T/ref.err)
	if [ $rc -ne "$want" ]; then
		fail "$name" "status $rc, want $want"
	elif [ "$lines" -ne 1 ] || ! grep -q "$pattern" $T/ref.err; then
		fail "$name" "stderr: $(cat $T/ref.err)"
	else
		pass "$name"
	fi
}

# linux BACKEND: boot to the shell, run commands fed on stdin, power off.
linux() {
	name="linux_boots_to_a_shell_and_powers_off_on_$1"
	if [ ! -f $D/bzImage ] || [ ! -f $D/initramfs.gz ]; then
		skip "$name" "no Linux guest staged"
		return
	fi
	rm -f $T/in $T/linux.out
	mkfifo $T/in
	vmlab run --backend "$1" --kernel $D/bzImage --initrd $D/initramfs.gz \
		--append "console=ttyS0 quiet panic=-1" --mem 128M --stats \
		<$T/in >$T/linux.out 2>&1 &
	pid=$!
	exec 3>$T/in
	i=0
	while ! grep -q "L2-SHELL-READY" $T/linux.out 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
			break
		fi
		sleep 1
	done
	echo 'echo "l2 says $((6 * 7))"; poweroff -f' >&3 2>/dev/null
	wait $pid
	rc=$?
	exec 3>&-
	if [ $rc -ne 0 ]; then
		fail "$name" "status $rc; output tail: $(tail -c 400 $T/linux.out)"
	elif ! grep -q "l2 says 42" $T/linux.out; then
		fail "$name" "the command did not run; output tail: $(tail -c 400 $T/linux.out)"
	elif grep "exits on" $T/linux.out | grep -q " mmio "; then
		# No MMIO device and no APIC: the same guest on both backends
		# touches no MMIO, or the comparison is not like for like.
		fail "$name" "MMIO exits: $(grep "exits on" $T/linux.out)"
	else
		grep "exits on" $T/linux.out
		pass "$name"
	fi
}

multiboot vmlab
linux vmlab
head -c 100 $D/multiboot-hello.elf >$T/truncated.elf
refuse truncated_kernel_is_refused 1 "vmlab run:" --kernel $T/truncated.elf
refuse unknown_format_is_refused 1 "not a Linux bzImage or a multiboot kernel" --kernel /bin/busybox
refuse impossible_memory_size_is_refused 2 "mem" --kernel $D/multiboot-hello.elf --mem 5G
refuse bad_option_is_refused 2 "unknown option" --kernel $D/multiboot-hello.elf --frobnicate
refuse more_than_one_cpu_is_refused_for_now 2 "only 1 vCPU" --kernel $D/multiboot-hello.elf --cpus 2

if load-kvm >/dev/null 2>&1; then
	multiboot kvm
	linux kvm
	unload-kvm >/dev/null 2>&1
else
	fail upstream_kvm_loads "load-kvm failed"
fi
exit $failed
