// Range-based for over std::vector, updating elements through a reference.
#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    std::vector<double> v(300000);
    double offset = 0.5;
    for (std::size_t i = 0; i < v.size(); i++) v[i] = (i % 53) * 0.1;
    for (double &x : v) /* ompgpt:target */
        x = std::sqrt(x + offset) * 2.0;
    double check = 0;
    for (std::size_t i = 0; i < v.size(); i++) check += v[i] * (i % 3 + 1);
    std::printf("checksum %.8f\n", check);
    return 0;
}
