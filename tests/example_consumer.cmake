# Installs the built lugeo into a scratch prefix, then configures, builds and runs
# examples/resolve_and_route against it with find_package(lugeo) — as an integrator would.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
    message(FATAL_ERROR "install failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples" -B "${WORK_DIR}/build"
                        -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX} "-DCMAKE_CXX_FLAGS=${FLAGS}"
                        -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE rc)
if(rc)
    message(FATAL_ERROR "configuring the example against the installed package failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/build" RESULT_VARIABLE rc)
if(rc)
    message(FATAL_ERROR "building the example failed (${rc})")
endif()
execute_process(COMMAND "${WORK_DIR}/build/network_summary" "${prefix}/share/lugeo/demo/scene.toml"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc)
    message(FATAL_ERROR "the example exited with ${rc}")
endif()
if(NOT out MATCHES "edges: [1-9]")
    message(FATAL_ERROR "the example did not report a network")
endif()

# resolve_plate: runnable without arguments (the installed demo scene is the default)
execute_process(COMMAND "${WORK_DIR}/build/resolve_plate" "路灯幺洞四 洞洞洞拐" "${prefix}/share/lugeo/demo/scene.toml"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc)
    message(FATAL_ERROR "resolve_plate exited with ${rc}")
endif()
if(NOT out MATCHES "L104-0007")
    message(FATAL_ERROR "resolve_plate did not resolve the plate")
endif()
