// The anchor for a round across processes: MPI_Allreduce (sum) of d doubles.
//   mpirun -np N [--mca btl tcp,self | --mca btl vader,self] bench_mpi_allreduce D REPEATS
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const long d = argc > 1 ? std::atol(argv[1]) : 1000;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 50;
  std::vector<double> in(static_cast<size_t>(d), 1.0 + rank), out(static_cast<size_t>(d));
  for (int i = 0; i < 3; ++i) // warm-up
    MPI_Allreduce(in.data(), out.data(), static_cast<int>(d), MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
  MPI_Barrier(MPI_COMM_WORLD);
  const double start = MPI_Wtime();
  for (int i = 0; i < repeats; ++i)
    MPI_Allreduce(in.data(), out.data(), static_cast<int>(d), MPI_DOUBLE, MPI_SUM,
                  MPI_COMM_WORLD);
  const double seconds = MPI_Wtime() - start;
  if (rank == 0)
    std::printf("mpi allreduce: d = %ld: %.3f ms per call\n", d, seconds * 1e3 / repeats);
  MPI_Finalize();
}
