# `cmake --install build --prefix P` installs the library, headers, the CLI and a CMake package, so
# another project can do:  find_package(segkit REQUIRED)  target_link_libraries(app segkit::segkit)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(segkit_rooms GLOBAL PROPERTY SEGKIT_ROOMS)
install(TARGETS ${segkit_rooms} EXPORT segkitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS segkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY segkit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set(segkit_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/segkit)
install(EXPORT segkitTargets NAMESPACE segkit:: DESTINATION ${segkit_cmake_dir})
configure_package_config_file(cmake/segkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/segkitConfig.cmake INSTALL_DESTINATION ${segkit_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/segkitConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/segkitConfig.cmake ${PROJECT_BINARY_DIR}/segkitConfigVersion.cmake
  DESTINATION ${segkit_cmake_dir})
