# input: keyboard input through the console driver (system.toml). The boot
# test types into the serial console (SEND_AFTER REGEX TEXT: run.py's
# --send-after, in order with the expectations; TEXT takes \n, \r, \xHH).
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready, input by interrupt"
    SEND_AFTER "echo_input: type a line> " "hello, novum\\n"
    "^echo_input: HELLO, NOVUM$"
    # Enter as a terminal sends it, and more than the UART's 16-byte FIFO
    SEND_AFTER "echo_input: type a line> " "the quick brown fox jumps over the lazy dog, 0123456789 times over\\r"
    "^echo_input: THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG, 0123456789 TIMES OVER$"
    # backspace erases; bytes typed before the reader asks wait in the driver
    SEND_AFTER "echo_input: type a line> " "abd\\x7fc\\nsecond\\n"
    "^echo_input: ABC$"
    "^echo_input: SECOND$")
set(NOVUM_BOOT_FORBID "crashed" "console input lost" "console input stopped")
