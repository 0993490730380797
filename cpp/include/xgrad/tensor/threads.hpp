// How many threads xgrad's own parallel loops (optimizer updates) and OpenBLAS may use.
// Defaults to the machine's hardware threads; set_num_threads(n) sets both, like
// torch.set_num_threads, so a benchmark can pin every library to the same count.
#pragma once

namespace xgrad {

int num_threads();
void set_num_threads(int n);

}  // namespace xgrad
