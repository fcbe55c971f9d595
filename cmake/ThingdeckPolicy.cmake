# One INTERFACE target carries the compile policy; every project target links it.
set(CMAKE_AUTOMOC ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

add_library(thingdeck_policy INTERFACE)
target_compile_features(thingdeck_policy INTERFACE cxx_std_20)
set_target_properties(thingdeck_policy PROPERTIES INTERFACE_CXX_EXTENSIONS OFF)

target_compile_options(thingdeck_policy INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wnull-dereference -Wformat=2
  $<$<BOOL:${THINGDECK_WERROR}>:-Werror>)

# QT_NO_CONTEXTLESS_CONNECT takes effect from Qt 6.7; defining it now keeps the code ready.
target_compile_definitions(thingdeck_policy INTERFACE
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CAST_FROM_BYTEARRAY
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_NO_FOREACH
  QT_USE_QSTRINGBUILDER
  QT_DISABLE_DEPRECATED_UP_TO=0x060400)

if(THINGDECK_SANITIZE)
  set(_sanitizers -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(thingdeck_policy INTERFACE ${_sanitizers})
  target_link_options(thingdeck_policy INTERFACE ${_sanitizers})
endif()

# Hardening, as Debian builds its packages: stack protector and clash protection, full RELRO
# with immediate binding, and fortified libc calls where the optimizer makes them possible.
# (Debian's compiler already makes position-independent executables.)
target_compile_options(thingdeck_policy INTERFACE
  -fstack-protector-strong -fstack-clash-protection
  $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>)
target_link_options(thingdeck_policy INTERFACE -Wl,-z,relro -Wl,-z,now)
