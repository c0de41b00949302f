# The layering rule of the tree (README, "Layout"): a folder may include only from itself and the
# folders below it. Run as `cmake -DSOURCE_DIR=<tree> -P layering.cmake`; fails naming every
# include that goes the wrong way. tests/ and benchmarks/ may include anything.
#
# Layers, lowest first:
#   kernels/          portable physics and transport (g++ and nvcc)
#   host/foundation/  user errors, SHA-256, HDF5 handle, durable writes, tar.gz, build identity
#   phantoms/         phantom import/export, regions, masses
#   physics-data/     per-medium physics tables, decay data
#   host/run/         one job: set-up, scheduler, back ends, statistics, results
#   host/batch/       campaigns: plan, records, table, merge, export, SLURM
#   host/nuclide/     radionuclide S values (folds batch tables)
#   host/cli/         the command line
set(allowed_kernels "kernels/")
set(allowed_host/foundation "host/foundation/")
set(allowed_phantoms "kernels/;host/foundation/;phantoms/")
set(allowed_physics-data "kernels/;host/foundation/;phantoms/;physics-data/")
set(allowed_host/run "kernels/;host/foundation/;phantoms/;physics-data/;host/run/")
set(allowed_host/batch "kernels/;host/foundation/;phantoms/;physics-data/;host/run/;host/batch/")
set(allowed_host/nuclide
    "kernels/;host/foundation/;phantoms/;physics-data/;host/run/;host/batch/;host/nuclide/")
set(allowed_host/cli
    "kernels/;host/foundation/;phantoms/;physics-data/;host/run/;host/batch/;host/nuclide/;host/cli/")
set(layers kernels host/foundation phantoms physics-data host/run host/batch host/nuclide host/cli)
# Every project include names one of these top-level folders.
set(project_roots "kernels/;host/;phantoms/;physics-data/")

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<tree> -P layering.cmake")
endif()
set(violations 0)
set(checked 0)
foreach(layer IN LISTS layers)
  file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR}
       ${SOURCE_DIR}/${layer}/*.cc ${SOURCE_DIR}/${layer}/*.hh ${SOURCE_DIR}/${layer}/*.cu
       ${SOURCE_DIR}/${layer}/*.cuh ${SOURCE_DIR}/${layer}/*.in)
  foreach(src IN LISTS sources)
    math(EXPR checked "${checked} + 1")
    file(STRINGS ${SOURCE_DIR}/${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"]+)\".*" "\\1" header "${line}")
      set(is_project FALSE)
      foreach(root IN LISTS project_roots)
        string(FIND "${header}" "${root}" at)
        if(at EQUAL 0)
          set(is_project TRUE)
        endif()
      endforeach()
      if(NOT is_project)
        continue()  # a system header, or one next to the file
      endif()
      set(ok FALSE)
      foreach(prefix IN LISTS allowed_${layer})
        string(FIND "${header}" "${prefix}" at)
        if(at EQUAL 0)
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        message(SEND_ERROR "${src} (layer ${layer}) includes \"${header}\": a higher layer")
        math(EXPR violations "${violations} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no source file found under ${SOURCE_DIR}: wrong SOURCE_DIR")
endif()
if(violations GREATER 0)
  message(FATAL_ERROR "${violations} include(s) go against the layering (README, \"Layout\")")
endif()
message(STATUS "layering: ${checked} files, every include goes down or sideways")
