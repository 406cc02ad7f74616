# User-facing configuration of a Novum build. Use it as
#     cmake -G Ninja -C settings.cmake -S . -B build
# and override any entry with -D on that command line. Each option is
# described in the README.

set(NOVUM_BUILD_TYPE "Debug" CACHE STRING "Debug (-Og -g, assertions) or Release (-O2)")
set(NOVUM_MAX_CPUS "8" CACHE STRING "Most CPUs the kernel supports (HIP CPU descriptors)")
set(NOVUM_PROJECT "hello" CACHE STRING "The system to build: a directory under projects/")
set(NOVUM_EXT_DEBUG "" CACHE STRING "Build in the debug hypercall extension (console output, QEMU exit): ON, OFF, or empty for ON in Debug builds only")
set(NOVUM_EXT_TLS ON CACHE BOOL "Build in the tls hypercall extension (an EC sets its own FS base)")
set(NOVUM_QEMU_ACCEL "tcg" CACHE STRING "QEMU accelerator for run and tests: tcg or kvm")
set(NOVUM_QEMU_CPU "max" CACHE STRING "QEMU CPU model for `ninja run`")
set(NOVUM_QEMU_SMP "2" CACHE STRING "Number of CPUs QEMU emulates")
set(NOVUM_QEMU_MEMORY "256M" CACHE STRING "Guest RAM QEMU emulates")
set(NOVUM_TEST_CPUS "max;qemu64" CACHE STRING "CPU models every on-target suite runs on")
set(NOVUM_MUTATE_COUNT "20" CACHE STRING "Valid mutants in the sample `ninja mutate` runs (tools/mutate, docs/mutation.md)")
set(NOVUM_MUTATE_SEED "1" CACHE STRING "Seed of the sample `ninja mutate` draws")
