# testsuite: the on-target test suite as the root task.
set(NOVUM_ROOT_TASK testsuite)
