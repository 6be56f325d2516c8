# Builds WebAssembly modules during the build: C apps with clang + wasm-ld,
# and test modules written in WAT with wabt's wat2wasm.
find_program(WASM_CLANG NAMES clang-14 clang REQUIRED)
find_program(WASM_LD NAMES wasm-ld-14 wasm-ld REQUIRED)
find_program(WAT2WASM wat2wasm REQUIRED)
get_filename_component(_wasm_ld_dir ${WASM_LD} DIRECTORY)

set(DN_WASM_OUTPUT_DIR ${CMAKE_BINARY_DIR}/wasm)
file(MAKE_DIRECTORY ${DN_WASM_OUTPUT_DIR})

# dn_add_wasm_c(<name> <source.c>) -> ${DN_WASM_OUTPUT_DIR}/<name>.wasm, target wasm_<name>
function(dn_add_wasm_c name source)
  set(out ${DN_WASM_OUTPUT_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${WASM_CLANG} --target=wasm32 -O2 -nostdlib -fuse-ld=${WASM_LD}
            -I${CMAKE_SOURCE_DIR}/resources/sdk
            -Wl,--no-entry -Wl,--export-dynamic -Wl,--allow-undefined-file=${CMAKE_SOURCE_DIR}/resources/sdk/deltanode.imports
            -Wl,--initial-memory=131072 -Wl,--max-memory=67108864
            -o ${out} ${source}
    DEPENDS ${source} ${CMAKE_SOURCE_DIR}/resources/sdk/deltanode.h
            ${CMAKE_SOURCE_DIR}/resources/sdk/deltanode_json.h ${CMAKE_SOURCE_DIR}/resources/sdk/deltanode.imports
    COMMENT "wasm app ${name}" VERBATIM)
  add_custom_target(wasm_${name} ALL DEPENDS ${out})
endfunction()

# dn_add_wat(<name> <source.wat>) -> ${DN_WASM_OUTPUT_DIR}/<name>.wasm, target wasm_<name>
function(dn_add_wat name source)
  set(out ${DN_WASM_OUTPUT_DIR}/${name}.wasm)
  add_custom_command(OUTPUT ${out}
    COMMAND ${WAT2WASM} --enable-all -o ${out} ${source}
    DEPENDS ${source} COMMENT "wat ${name}" VERBATIM)
  add_custom_target(wasm_${name} ALL DEPENDS ${out})
endfunction()
