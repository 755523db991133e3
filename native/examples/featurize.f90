! Featurize rock salt through libcft.so from Fortran.
! Build: gfortran ../cft.f90 featurize.f90 -L<dir of libcft.so> -lcft -o featurize_f
program featurize
  use, intrinsic :: iso_c_binding
  use cft
  implicit none
  integer(c_int32_t) :: f, number, order, rows
  real(c_double) :: lattice(9), positions(3, 2)
  integer(c_int32_t) :: z(2)
  real(c_float), allocatable :: out(:, :)
  integer(c_int) :: status

  status = cft_feature_count(f)
  if (status /= CFT_OK) stop 1
  status = cft_group_find("Fm-3m" // c_null_char, number, order)
  if (status /= CFT_OK) stop 1
  print '(a, a, a, i0, a, i0, a, i0)', 'cft ', cft_version_string(), ', F = ', f, ', Fm-3m = No. ', number, ', |G| = ', order

  lattice = [5.64d0, 0d0, 0d0, 0d0, 5.64d0, 0d0, 0d0, 0d0, 5.64d0]
  z = [11, 17]
  positions(:, 1) = [0d0, 0d0, 0d0]
  positions(:, 2) = [0.5d0, 0.5d0, 0.5d0]
  allocate(out(f, 2))
  status = cft_featurize(225, lattice, 2, z, positions, out, int(size(out), c_int64_t), rows)
  if (status /= CFT_OK) then
     print '(a)', cft_last_error_string()
     stop 1
  end if
  print '(a, i0, a, f9.6, a, f9.6)', 'unique sites: ', rows, ' rows; Na re(1,1,1) = ', out(1, 1), ', Cl re(1,1,1) = ', out(1, 2)

  status = cft_featurize(999, lattice, 2, z, positions, out, int(size(out), c_int64_t), rows)
  print '(a, i0, a, a)', 'space group 999: status ', status, ', ', cft_last_error_string()
end program featurize
