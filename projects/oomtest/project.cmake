# oomtest: exhausts the kernel memory (run by a boot test).
set(NOVUM_ROOT_TASK oomtest)
