# ipcbench: the IPC benchmark (cross-PD call+reply, null hypercall) as the root task.
set(NOVUM_ROOT_TASK ipcbench)
