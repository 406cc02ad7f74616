# hipinfo: the kernel and a root task that prints the HIP.
set(NOVUM_ROOT_TASK hipinfo)
