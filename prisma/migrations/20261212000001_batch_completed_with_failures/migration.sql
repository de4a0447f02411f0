-- A batch whose runs all ended but one failed says so (it used to read "completed")
ALTER TYPE "BatchStatus" ADD VALUE 'completed_with_failures' AFTER 'completed';
