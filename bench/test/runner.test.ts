import { describe, expect, it } from 'vitest';
import { best } from '../src/runner.js';
import type { Metric } from '../src/scenario.js';

const rate: Metric = { name: 'msgs/s', unit: 'msgs/s', higherIsBetter: true };
const p99: Metric = { name: 'p99', unit: 'µs', higherIsBetter: false };

describe('best of rounds', () => {
  it('keeps the highest rate and the lowest latency', () => {
    expect(best([{ 'msgs/s': { value: 5 } }, { 'msgs/s': { value: 9 } }, { 'msgs/s': { value: 7 } }], rate)).toEqual({ value: 9 });
    expect(best([{ p99: { value: 300 } }, { p99: { value: 200 } }], p99)).toEqual({ value: 200 });
  });

  it('prefers a number over a failed or unknown round, and keeps the error when all failed', () => {
    expect(best([{ p99: { error: 'x' } }, { p99: { value: NaN } }, { p99: { value: 4 } }], p99)).toEqual({ value: 4 });
    expect(best([{ p99: { error: 'x' } }, { p99: { error: 'y' } }], p99)).toEqual({ error: 'x' });
  });
});
