# systemd units for `deltanode --headless`: a system service (dynamic user,
# /var/lib/deltanode) and a user service (the user's default profile).
#
# ExecStart= needs the absolute path of the installed binary, which is only
# known at install time (`cmake --install --prefix X`, or /usr when CPack
# builds the package), so the units are written by install code rather than
# configured here. They go to <prefix>/lib/systemd/{system,user}, where
# systemd looks for units of /usr and /usr/local alike.
set(DN_SYSTEMD_UNITS
  ${CMAKE_CURRENT_SOURCE_DIR}/systemd/deltanode.service.in=lib/systemd/system/deltanode.service
  ${CMAKE_CURRENT_SOURCE_DIR}/systemd/deltanode-user.service.in=lib/systemd/user/deltanode.service)

foreach(_u ${DN_SYSTEMD_UNITS})
  string(REPLACE "=" ";" _u ${_u})
  list(GET _u 0 _src)
  list(GET _u 1 _dst)
  install(CODE "
    set(DN_BINDIR \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    set(_dst \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${_dst}\")
    message(STATUS \"Installing: \${_dst}\")
    configure_file(\"${_src}\" \"\${_dst}\" @ONLY)
    list(APPEND CMAKE_INSTALL_MANIFEST_FILES \"\${_dst}\")
  ")
endforeach()
