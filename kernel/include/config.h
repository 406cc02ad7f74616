/* Build configuration from settings.cmake, passed as -D flags. */
#pragma once

#ifndef NOVUM_MAX_CPUS
#define NOVUM_MAX_CPUS 8
#endif
#ifndef NOVUM_VERSION
#define NOVUM_VERSION "0.1"
#endif
