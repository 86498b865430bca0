#pragma once
// Uniform random floats in [-1, 1) for kernel tests.
#include <random>
#include <vector>

inline std::vector<float> random_floats(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}
