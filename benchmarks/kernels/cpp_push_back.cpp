// Appending to a shared std::vector: push_back reallocates and moves the end pointer.
#include <cstdio>
#include <vector>

int main() {
    std::vector<int> picked;
    for (int i = 0; i < 300000; i++) { /* ompgpt:target */
        if (i % 3 == 0) picked.push_back(i * 2);
    }
    long check = 0;
    for (std::size_t k = 0; k < picked.size(); k++) check += picked[k] % 1000 * static_cast<long>(k % 7 + 1);
    std::printf("n %zu checksum %ld\n", picked.size(), check);
    return 0;
}
