// Range-based for with a sum and a max.
#include <cstdio>
#include <vector>

int main() {
    std::vector<long> v(300000);
    for (std::size_t i = 0; i < v.size(); i++) v[i] = static_cast<long>((i * 7919) % 10007);
    long total = 0, biggest = 0;
    for (long x : v) { /* ompgpt:target */
        total += x;
        if (x > biggest) biggest = x;
    }
    std::printf("total %ld max %ld\n", total, biggest);
    return 0;
}
