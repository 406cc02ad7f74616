/* C side of the root-task entry. */
#include <nova/nova.h>

const struct nova_hip *nova_boot_hip;
unsigned nova_boot_cpu;

int main(const struct nova_hip *hip, unsigned cpu);
_Noreturn void nova_start(const struct nova_hip *hip, unsigned cpu);

_Noreturn void nova_start(const struct nova_hip *hip, unsigned cpu)
{
    nova_boot_hip = hip;
    nova_boot_cpu = cpu;
    nova_exit(main(hip, cpu));
}
