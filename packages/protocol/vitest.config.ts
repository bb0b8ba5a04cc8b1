import { defineConfig } from 'vitest/config';
import { runtimeProjects } from '../../vitest.runtimes.ts';

export default defineConfig({ test: { projects: runtimeProjects(['test/**/*.test.ts']) } });
