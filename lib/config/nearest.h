#pragma once
// "Did you mean …?" helpers shared by config keys and target names.
#include <string>
#include <vector>

namespace rknnc::config {

// Edit distance with neighbour swaps (optimal string alignment), case-sensitive.
size_t edit_distance(const std::string& a, const std::string& b);
// The candidate nearest to `word` (ties: first in the list); "" when the list
// is empty or nothing is plausibly close (distance > max(2, |word| / 2)).
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace rknnc::config
