#include <QCoreApplication>
#include <cstdio>
int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    std::printf("deltanode %s\n", DN_VERSION);
    return 0;
}
