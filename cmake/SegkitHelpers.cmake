# segkit_room(NAME SOURCES ... [TORCH] [DEPS ...])
#   One library target per room (folder of segkit/), alias segkit::NAME. TORCH marks a room whose
#   sources include LibTorch: it links torch and is unity-built, since every torch TU costs 15-25 s
#   of parsing and a unity batch per core pays that cost once per core.
function(segkit_room name)
  cmake_parse_arguments(ARG "TORCH" "" "SOURCES;DEPS" ${ARGN})
  set(target segkit_${name})
  add_library(${target} STATIC ${ARG_SOURCES})
  add_library(segkit::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME segkit_${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  segkit_warnings(${target})
  if(ARG_TORCH)
    target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
    segkit_unity(${target})
  endif()
  set_property(GLOBAL APPEND PROPERTY SEGKIT_ROOMS ${target})
endfunction()

function(segkit_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
endfunction()

# One unity batch per core: two cores on CI, so about half the sources per batch.
function(segkit_unity target)
  get_target_property(sources ${target} SOURCES)
  list(LENGTH sources count)
  math(EXPR batch "(${count} + 1) / 2")
  if(batch LESS 1)
    set(batch 1)
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${SEGKIT_UNITY} UNITY_BUILD_BATCH_SIZE ${batch})
endfunction()

# Executables get tcmalloc when it is installed (see SegkitDependencies.cmake).
function(segkit_link_allocator target)
  if(SEGKIT_TCMALLOC)
    target_link_libraries(${target} PRIVATE ${SEGKIT_TCMALLOC})
  endif()
endfunction()
