! Predict with the default shipped model through libcft.so from Fortran: SrTiO3 (cubic perovskite) given as
! every atom of the cell (space group detected) and as its unique sites in Pm-3m (No. 221), in one batch.
! Build: gfortran ../cft.f90 predict.f90 -L<dir of libcft.so> -lcft -o predict_f
program predict
  use, intrinsic :: iso_c_binding
  use cft
  implicit none
  type(c_ptr) :: model
  character(len=:), allocatable :: property, unit
  real(c_double) :: lattices(9, 2), positions(3, 8), values(2), std(2), a
  integer(c_int32_t) :: z(8), counts(2), groups(2), in_domain(2)
  integer(c_int) :: status

  status = cft_model_open_default(model)
  if (status /= CFT_OK) then
     print '(a)', cft_last_error_string()
     stop 1
  end if
  a = 3.905d0
  lattices(:, 1) = [a, 0d0, 0d0, 0d0, a, 0d0, 0d0, 0d0, a]
  lattices(:, 2) = lattices(:, 1)
  counts = [5, 3]
  groups = [0, 221]
  z = [38, 22, 8, 8, 8, 38, 22, 8]
  positions = reshape([0d0, 0d0, 0d0, 0.5d0, 0.5d0, 0.5d0, 0.5d0, 0.5d0, 0d0, 0.5d0, 0d0, 0.5d0, 0d0, 0.5d0, 0.5d0, &
                       0d0, 0d0, 0d0, 0.5d0, 0.5d0, 0.5d0, 0.5d0, 0.5d0, 0d0], [3, 8])
  status = cft_predict(model, 2, lattices, counts, z, positions, groups, values)
  if (status /= CFT_OK) then
     print '(a)', cft_last_error_string()
     stop 1
  end if
  if (cft_model_info(model, property, unit) /= CFT_OK) stop 1
  print '(a, a, a, f9.6, a, f9.6, a, a)', 'SrTiO3 ', property, ': every atom ', values(1), ', unique sites ', values(2), ' ', unit
  ! The same with the ensemble's uncertainty and the domain check.
  status = cft_predict_ex(model, 2, lattices, counts, z, positions, groups, values, std, in_domain)
  if (status /= CFT_OK) stop 1
  print '(a, f9.6, a, i1, a, a)', 'uncertainty ', std(1), ', in domain ', in_domain(1), ' ', cft_domain_note_string(0)
  status = cft_model_close(model)
end program predict
