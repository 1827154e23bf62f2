# Warning and sanitizer flags for every target (docs/STYLE.md). Conversions
# are checked everywhere, not only in the parsers: a silent int -> unsigned
# or 64 -> 32-bit narrowing is how an offset or a count goes wrong quietly.
set(WL_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wvla
    -Wformat=2 -Wno-format-nonliteral -Wconversion -Wsign-conversion)
if(WL_WERROR)
  list(APPEND WL_WARNINGS -Werror)
endif()
add_compile_options(${WL_WARNINGS})

if(WL_SANITIZE AND WL_TSAN)
  message(FATAL_ERROR "WL_SANITIZE and WL_TSAN are exclusive")
endif()
if(WL_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(WL_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
if(WL_STATIC)
  add_link_options(-static)
endif()
