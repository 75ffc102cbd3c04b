import { runDriverSuite } from '../testsuite/driver-suite.ts'
import { MemoryDriver } from './memory-driver.ts'

runDriverSuite('memory', async () => ({ driver: new MemoryDriver(), cleanup: async () => {} }))
