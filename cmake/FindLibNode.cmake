# Finds V8 as shipped by Debian's libnode108 / libnode-dev (V8 10.2).
# The project-local unpacked copy (scripts/setup) is searched first so that a
# nodejs package's newer headers in /usr/include/node never shadow it.
set(_libnode_local ${CMAKE_SOURCE_DIR}/third_party/libnode/usr)
# A configure run before scripts/setup unpacked the copy may have cached the
# system's headers (a nodejs package's, for another V8): once the copy is
# there, forget that answer, or V8 10.2 is called through foreign headers.
if(EXISTS ${_libnode_local}/include/node/v8.h AND LIBNODE_INCLUDE_DIR
   AND NOT LIBNODE_INCLUDE_DIR STREQUAL "${_libnode_local}/include/node")
  unset(LIBNODE_INCLUDE_DIR CACHE)
  unset(LIBNODE_LIBRARY CACHE)
endif()
find_path(LIBNODE_INCLUDE_DIR v8.h
  PATHS ${_libnode_local}/include/node NO_DEFAULT_PATH)
find_library(LIBNODE_LIBRARY NAMES libnode.so.108 node
  PATHS ${_libnode_local}/lib/x86_64-linux-gnu NO_DEFAULT_PATH)
if(NOT LIBNODE_INCLUDE_DIR OR NOT LIBNODE_LIBRARY)
  find_path(LIBNODE_INCLUDE_DIR v8.h PATHS /usr/include/node)
  find_library(LIBNODE_LIBRARY NAMES libnode.so.108 node)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibNode REQUIRED_VARS LIBNODE_LIBRARY LIBNODE_INCLUDE_DIR)
if(LibNode_FOUND AND NOT TARGET LibNode::LibNode)
  add_library(LibNode::LibNode SHARED IMPORTED)
  set_target_properties(LibNode::LibNode PROPERTIES
    IMPORTED_LOCATION ${LIBNODE_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES ${LIBNODE_INCLUDE_DIR}
    INTERFACE_COMPILE_DEFINITIONS "V8_DEPRECATION_WARNINGS=0")
  get_filename_component(LIBNODE_LIBRARY_DIR ${LIBNODE_LIBRARY} DIRECTORY)
  # Binaries find the unpacked library through their RUNPATH.
  set(CMAKE_BUILD_RPATH ${CMAKE_BUILD_RPATH} ${LIBNODE_LIBRARY_DIR})
endif()
