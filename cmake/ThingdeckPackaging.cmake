# What `cmake --install` puts beside the three programs, and the Debian package CPack makes of
# it (scripts/package; the packaging test in tests/packaging). Everything installs under
# GNUInstallDirs paths, so the package's prefix is /usr and a local install's /usr/local.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(THINGDECK_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(THINGDECK_APPSTREAM_ID example.thingdeck.Thingdeck)
set(THINGDECK_HOMEPAGE "https://thingdeck.example/")
set(THINGDECK_MAINTAINER "Thingdeck developers <developers@thingdeck.example>")

# The version is set once, in project(); the hand-written release history must agree with it.
file(STRINGS ${THINGDECK_PACKAGING_DIR}/changelog _changelog_top LIMIT_COUNT 1)
if(NOT _changelog_top MATCHES "^thingdeck \\(${PROJECT_VERSION}\\) ")
  message(FATAL_ERROR "packaging/changelog starts with \"${_changelog_top}\"; its newest entry "
                      "must be version ${PROJECT_VERSION}, the project's version")
endif()
file(READ ${THINGDECK_PACKAGING_DIR}/${THINGDECK_APPSTREAM_ID}.metainfo.xml _metainfo)
if(NOT _metainfo MATCHES "<release version=\"${PROJECT_VERSION}\"")
  message(FATAL_ERROR "packaging/${THINGDECK_APPSTREAM_ID}.metainfo.xml has no <release> for "
                      "version ${PROJECT_VERSION}, the project's version")
endif()

# Man pages and the changelog are installed compressed, as Debian policy asks (gzip -9n: no
# name or time stamp, so the package is reproducible).
find_program(THINGDECK_GZIP gzip REQUIRED)
set(_compressed)
foreach(_source man/thingdeck.1 man/thingdeck-cli.1 man/thingdeck-sandbox.1 changelog)
  get_filename_component(_name ${_source} NAME)
  set(_output ${CMAKE_CURRENT_BINARY_DIR}/packaging/${_name}.gz)
  add_custom_command(OUTPUT ${_output}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/packaging
    COMMAND ${THINGDECK_GZIP} -9n -c ${THINGDECK_PACKAGING_DIR}/${_source} > ${_output}
    DEPENDS ${THINGDECK_PACKAGING_DIR}/${_source}
    COMMENT "Compressing packaging/${_source}"
    VERBATIM)
  list(APPEND _compressed ${_output})
endforeach()
add_custom_target(thingdeck_packaging_files ALL DEPENDS ${_compressed})

set(_bin_dir ${CMAKE_CURRENT_BINARY_DIR}/packaging)
install(FILES ${_bin_dir}/thingdeck.1.gz ${_bin_dir}/thingdeck-cli.1.gz
              ${_bin_dir}/thingdeck-sandbox.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
set(_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/thingdeck)
install(FILES ${_bin_dir}/changelog.gz ${THINGDECK_PACKAGING_DIR}/copyright
        DESTINATION ${_doc_dir})
if(THINGDECK_BUILD_UI)
  install(FILES ${THINGDECK_PACKAGING_DIR}/thingdeck.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${THINGDECK_PACKAGING_DIR}/${THINGDECK_APPSTREAM_ID}.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(DIRECTORY ${THINGDECK_PACKAGING_DIR}/icons/hicolor
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
endif()
# lintian passes without overrides; a warning kept later goes into packaging/lintian-overrides
# (installed as usr/share/lintian/overrides/thingdeck) with a comment that explains it.
if(EXISTS ${THINGDECK_PACKAGING_DIR}/lintian-overrides)
  install(FILES ${THINGDECK_PACKAGING_DIR}/lintian-overrides
          DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME thingdeck)
endif()

# The Debian package: thingdeck_VERSION_ARCH.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME thingdeck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Thingdeck developers")
set(CPACK_PACKAGE_CONTACT "${THINGDECK_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "native desktop console for AWS IoT devices, shadows and MQTT")
set(CPACK_PACKAGE_DESCRIPTION [[
Thingdeck browses the AWS IoT thing registry, edits device shadows (classic
and named) by hand with conflict detection, and shows live MQTT traffic with
subscriptions, publishing and export, in one native Qt window. It finds AWS
credentials as the AWS CLI does and connects over mutual TLS, ALPN on port
443 or SigV4-signed WebSockets.

The package also holds thingdeck-cli, the same console on the command line,
and thingdeck-sandbox, a local stand-in for AWS IoT (REST API with SigV4
checks, shadows, an MQTT broker with mutual TLS and simulated devices) on
which Thingdeck opens by default, so it can be tried without an AWS account.]])
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${THINGDECK_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${THINGDECK_HOMEPAGE}")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Shared libraries as dpkg-shlibdeps finds them, plus what is loaded or started at run time:
# Qt's SVG icon engine draws every icon; ca-certificates lets TLS verify AWS's endpoints.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6 (>= 6.4), ca-certificates")
# The sandbox runs mosquitto. Recommended rather than required: apt installs it by default,
# yet someone who only works against AWS may leave out a package that also brings a system
# broker service; the sandbox then names the missing program and the command that adds it.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mosquitto")
# Remember-passphrase uses the desktop keyring; the AWS CLI helps create profiles.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gnome-keyring | kwalletmanager, awscli")
include(CPack)
