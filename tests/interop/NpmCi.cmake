# Runs `npm ci` for the interop peer. A failure is reported loudly but does
# not stop the build: the interop tests then fail and say why. No stamp is
# written on failure, so the next build tries again.
execute_process(COMMAND ${NPM} ci --no-audit --no-fund --prefer-offline
  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  file(TOUCH ${STAMP})
else()
  message(WARNING "npm ci failed in ${DIR} (exit ${rc}); the js-libp2p interop tests will fail.\n${err}")
endif()
