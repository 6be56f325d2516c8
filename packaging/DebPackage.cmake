# The Debian package (CPack DEB): `cmake --build build --target package`
# (scripts/package) -> build/deltanode_<version>_amd64.deb.
#
# Runtime dependencies come from two places:
#  - dpkg-shlibdeps over every ELF file in the package: the binaries' Qt,
#    LevelDB, protobuf, OpenSSL… and, when libnode.so.108 is carried, the
#    libraries *it* links (libuv1, libc-ares2, libnghttp2-14, libicu72,
#    libbrotli1, zlib1g, libssl3). The carried copy is declared a private
#    library directory so shlibdeps resolves it inside the package instead of
#    asking for a package that ships it.
#  - the list below: what no ELF file names because it is loaded at run time,
#    i.e. the QML modules the window imports (and their Fusion style).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME deltanode)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The deltanode developers")
set(CPACK_PACKAGE_CONTACT "The deltanode developers <deltanode@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "peer-to-peer node for WebAssembly apps in shared contexts")
set(CPACK_PACKAGE_DESCRIPTION
  "deltanode hosts WebAssembly apps inside shared contexts. Every change an app\n"
  "makes is a signed, encrypted delta in a causal graph, merged as CRDTs so that\n"
  "every member of a context converges on the same state.\n"
  "\n"
  "This package contains the node with its desktop monitor (deltanode), the\n"
  "headless node as a systemd service, the command-line client (deltactl), the\n"
  "sample apps and the C SDK for writing apps.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/deltanode/deltanode")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)          # deltanode_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# The units' ExecStart= is written at install time from CMAKE_INSTALL_PREFIX
# (SystemdUnits.cmake); installing through DESTDIR keeps that prefix /usr
# instead of the staging directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
# RelWithDebInfo binaries: the package ships them stripped.
set(CPACK_STRIP_FILES ON)
# xz: 11.7 MB instead of 16.5 MB with gzip, but 70 s instead of 25 s to
# build; the test builds with gzip (-D CPACK_DEBIAN_COMPRESSION_TYPE=gzip).
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(DELTANODE_BUNDLE_LIBNODE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS usr/${DN_PRIVATE_LIBDIR})
  set(_dn_v8_depends "")
else()
  set(_dn_v8_depends "libnode108")
endif()

set(_dn_qml_depends)
if(DN_PACKAGE_GUI)
  list(APPEND _dn_qml_depends
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-layouts
    qml6-module-qtquick-templates qml6-module-qtquick-controls qml6-module-qtquick-shapes
    qml6-module-qtquick-dialogs qml6-module-qt-labs-folderlistmodel qml6-module-qt-labs-settings
    qml6-module-qt-labs-platform qml6-module-qtcore)
  # Native Wayland sessions (else the window goes through XWayland).
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
endif()
set(_dn_depends ${_dn_v8_depends} ${_dn_qml_depends})
list(JOIN _dn_depends ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
include(CPack)
