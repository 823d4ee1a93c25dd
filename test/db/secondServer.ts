// The second MariaDB of cross-server tests (client/src/db/cross/throwawayServer.ts).
export { startSecondServer, type SecondServer } from '../../client/src/db/cross/throwawayServer';
